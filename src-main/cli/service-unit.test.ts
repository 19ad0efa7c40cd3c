import { describe, expect, it } from 'vitest'
import { servicePaths, serviceUnit, systemdWord, unitAddress, vireoCommand } from './service-unit'

describe('the vireo-web user service', () => {
  it('runs vireo web on its address with its token file, and lets the VMs outlive it', () => {
    const unit = serviceUnit({
      command: ['/usr/bin/vireo'],
      tokenFile: '/home/ann/.config/vireo/web-token',
      host: '127.0.0.1',
      port: 8765,
    })
    expect(unit).toContain(
      '\nExecStart="/usr/bin/vireo" "web" "--host" "127.0.0.1" "--port" "8765" "--token-file" "/home/ann/.config/vireo/web-token"\n',
    )
    expect(unit).toMatch(/^KillMode=process$/m)
    expect(unit).toMatch(/^Restart=on-failure$/m)
    expect(unit).toMatch(/\[Install\]\nWantedBy=default\.target\n$/)
    expect(unit).not.toContain('Environment=')
    expect(unitAddress(unit)).toEqual({ host: '127.0.0.1', port: 8765 })
  })

  it('serves the VIREO_HOME it was installed from, when there is one', () => {
    const unit = serviceUnit({
      command: ['/usr/bin/vireo'],
      tokenFile: '/t',
      host: '::1',
      port: 9000,
      vireoHome: '/srv/50% $vms',
    })
    expect(unit).toMatch(/^Environment="VIREO_HOME=\/srv\/50%% \$vms"$/m)
    expect(unitAddress(unit)).toEqual({ host: '::1', port: 9000 })
  })

  it('quotes each word so that systemd passes it as it is: spaces, quotes, specifiers, variables', () => {
    expect(systemdWord('/home/a b/vireo.js')).toBe('"/home/a b/vireo.js"')
    expect(systemdWord('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"')
    expect(systemdWord('100%')).toBe('"100%%"')
    expect(systemdWord('$HOME')).toBe('"$$HOME"')
    expect(systemdWord('$HOME', false)).toBe('"$HOME"')
  })

  it('runs the installed package as /usr/bin/vireo, and a checkout by its own node and script', () => {
    expect(vireoCommand('/usr/lib/vireo/node', '/usr/lib/vireo/out/main/cli.js')).toEqual([
      '/usr/bin/vireo',
    ])
    expect(vireoCommand('/usr/bin/node', '/src/vireo/bin/vireo.js')).toEqual([
      '/usr/bin/node',
      '/src/vireo/bin/vireo.js',
    ])
  })

  it("keeps the unit in systemd's user folder and the token in Vireo's private config folder", () => {
    expect(servicePaths({ HOME: '/home/ann' })).toEqual({
      unit: '/home/ann/.config/systemd/user/vireo-web.service',
      configDir: '/home/ann/.config/vireo',
      tokenFile: '/home/ann/.config/vireo/web-token',
    })
    expect(servicePaths({ HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg' }).unit).toBe(
      '/cfg/systemd/user/vireo-web.service',
    )
  })
})
