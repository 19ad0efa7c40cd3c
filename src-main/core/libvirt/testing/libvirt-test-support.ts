import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { freePort } from '../../testing/free-port'

/**
 * Test support (not shipped): the real libvirtd of this machine (qemu:///system, started by
 * scripts/start-libvirt.sh), domains made with virt-install, and an sshd on 127.0.0.1 with
 * throwaway keys, for qemu+ssh:// connections whose host key is really verified.
 */
export const SYSTEM = 'qemu:///system'

/** Null when qemu:///system answers (starting the daemons if we may), else why not, for skip(). */
export async function libvirtUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'qemu:///system needs root here'
  if (!existsSync('/usr/sbin/libvirtd')) return 'libvirtd is not installed (scripts/setup.sh)'
  const started = await execa('bash', [join(import.meta.dirname, '../../../../scripts/start-libvirt.sh')], { reject: false })
  return started.exitCode === 0 ? null : `libvirtd is not running: ${started.stderr.trim()}`
}

export async function virshTest(...args: string[]): Promise<string> {
  return (await execa('virsh', ['-q', '-c', SYSTEM, ...args])).stdout
}

/** Removes a test domain whatever state it is in (and its disk files). */
export async function removeDomain(name: string): Promise<void> {
  await execa('virsh', ['-c', SYSTEM, 'destroy', name], { reject: false })
  await execa('virsh', ['-c', SYSTEM, 'undefine', name, '--nvram', '--remove-all-storage'], { reject: false })
}

/**
 * Defines and starts a tiny TCG domain with virt-install, as a user of virt-manager would:
 * an imported 8 MiB disk, VNC on 127.0.0.1, no network. Returns its UUID.
 */
export async function virtInstall(name: string, dir: string): Promise<string> {
  const disk = join(dir, `${name}.qcow2`)
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '8M'])
  await execa('virt-install', [
    '--connect', SYSTEM, '--name', name, '--virt-type', 'qemu', '--memory', '96', '--vcpus', '1',
    '--import', '--disk', `path=${disk},format=qcow2,bus=virtio`, '--osinfo', 'linux2022',
    '--graphics', 'vnc,listen=127.0.0.1', '--network', 'none', '--noautoconsole', '--sound', 'none',
  ])
  return (await virshTest('domuuid', name)).trim()
}

export interface TestSshd {
  port: number
  /** A qemu+ssh URI to this sshd as root with the throwaway key, through a known_hosts holding its key. */
  uri: string
  /** The same, through a known_hosts that does not know the host key. */
  unknownHostUri: string
  /** The same, with a key the server does not accept. */
  refusedKeyUri: string
  /** A URI to this sshd as another user, to that user's libvirt (`session`: its own daemon). */
  uriFor(user: string, path: 'system' | 'session'): string
  stop(): void
}

/**
 * An sshd on 127.0.0.1 with a throwaway host key and one authorized key. A user's
 * ~/.ssh/config is stood in for by an ssh wrapper with its own config file (`?command=`, which
 * libvirt and Vireo's console tunnel both run), so the machine's own ~/.ssh is left alone.
 */
export async function startSshd(dir: string): Promise<TestSshd> {
  mkdirSync('/run/sshd', { recursive: true })
  const key = (name: string) => execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)])
  await Promise.all([key('host_key'), key('user_key'), key('other_key')])
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')))
  // sshd reads it as the user logging in (uriFor's other user too): the folder traversable, the file readable.
  chmodSync(dir, 0o711)
  chmodSync(join(dir, 'authorized_keys'), 0o644)
  const port = await freePort()
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`)
  writeFileSync(join(dir, 'empty_known_hosts'), '')
  const wrapper = (name: string, knownHosts: string) => {
    const config = join(dir, `${name}.config`)
    writeFileSync(config, `Host *\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n`)
    const path = join(dir, name)
    writeFileSync(path, `#!/bin/sh\nexec ssh -F '${config}' "$@"\n`)
    chmodSync(path, 0o755)
    return path
  }
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', [
    '-D', '-e', '-p', String(port), '-h', join(dir, 'host_key'),
    '-o', 'ListenAddress=127.0.0.1', '-o', `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`,
    '-o', 'StrictModes=no', '-o', 'UsePAM=no', '-o', 'PasswordAuthentication=no',
    '-o', 'PermitRootLogin=prohibit-password', '-o', `PidFile=${join(dir, 'sshd.pid')}`,
  ], { stdio: 'ignore' })
  for (let i = 0; i < 50; i += 1) {
    if (existsSync(join(dir, 'sshd.pid'))) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const uri = (command: string, keyName: string, user = 'root', path = 'system') =>
    `qemu+ssh://${user}@127.0.0.1:${port}/${path}?keyfile=${join(dir, keyName)}&command=${command}`
  const okSsh = wrapper('ok-ssh', join(dir, 'known_hosts'))
  return {
    uriFor: (user, path) => uri(okSsh, 'user_key', user, path),
    port,
    uri: uri(okSsh, 'user_key'),
    unknownHostUri: uri(wrapper('unknown-ssh', join(dir, 'empty_known_hosts')), 'user_key'),
    refusedKeyUri: uri(wrapper('refused-ssh', join(dir, 'known_hosts')), 'other_key'),
    stop: () => void sshd.kill(),
  }
}

/**
 * Makes sure qemu:///system has an active dir pool `name` (at `path` when it must be made);
 * true when this call made it (the caller removes it after), false when it was there already.
 */
export async function usePool(name: string, path: string): Promise<boolean> {
  const all = (await virshTest('pool-list', '--all', '--name')).split('\n').map((l) => l.trim())
  if (all.includes(name)) {
    await execa('virsh', ['-c', SYSTEM, 'pool-start', name], { reject: false })
    return false
  }
  mkdirSync(path, { recursive: true })
  await virshTest('pool-define-as', name, 'dir', '--target', path)
  await virshTest('pool-start', name)
  return true
}

/** Stops and undefines a pool made by usePool (its folder and any volume left are kept). */
export async function removePool(name: string): Promise<void> {
  await execa('virsh', ['-c', SYSTEM, 'pool-destroy', name], { reject: false })
  await execa('virsh', ['-c', SYSTEM, 'pool-undefine', name], { reject: false })
}

/** A local user of this machine (made if missing, with a home), whose own libvirt is a second, distinct daemon. */
export async function ensureUser(name: string): Promise<void> {
  if ((await execa('id', [name], { reject: false })).exitCode !== 0) await execa('useradd', ['-m', '-s', '/bin/sh', name])
  // No password, but not locked: sshd without PAM refuses a locked account even a key.
  await execa('usermod', ['-p', '*', name])
}

export async function virshAt(uri: string, ...args: string[]): Promise<string> {
  return (await execa('virsh', ['-q', '-c', uri, ...args], { env: { SSH_ASKPASS_REQUIRE: 'never' } })).stdout
}
