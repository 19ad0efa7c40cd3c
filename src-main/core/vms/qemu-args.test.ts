import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectGolden } from '../testing/golden'
import { fedora, fedoraDir } from '../testing/vm-configs'
import type { VmConfig } from './config'
import { qemuOptValue } from '../qemu-opt'
import { buildQemuArgs, macAddress, type LaunchContext } from './qemu-args'

// Golden files, as libvirt's qemuxml2argv: each config in, the exact argv out. A change to
// the command line shows up in review as a diff of a file under ./golden.
// Regenerate after an intended change (or create a new case's file) with:
// UPDATE_GOLDEN=1 npx vitest run qemu-args. A missing file fails (testing/golden.ts).
const goldenDir = join(import.meta.dirname, 'golden')

const base = fedora

const ctx: LaunchContext = {
  vmDir: fedoraDir,
  qmpSocket: '/run/user/1000/vireo/a1b2c3d4/qmp.sock',
  ctlSocket: '/run/user/1000/vireo/a1b2c3d4/ctl.sock',
  vncSocket: '/run/user/1000/vireo/a1b2c3d4/vnc.sock',
  agentSocket: '/run/user/1000/vireo/a1b2c3d4/agent.sock',
  pidFile: '/run/user/1000/vireo/a1b2c3d4/qemu.pid',
  accel: 'kvm',
  sandbox: true,
}

const cases: Record<string, { config: VmConfig; ctx: LaunchContext }> = {
  'linux-kvm-iso': { config: base, ctx },
  'linux-tcg-no-sandbox': { config: base, ctx: { ...ctx, accel: 'tcg', sandbox: false } },
  'installed-no-cdrom': { config: { ...base, cdrom: null }, ctx },
  uefi: {
    config: { ...base, firmware: 'uefi' },
    ctx: {
      ...ctx,
      uefi: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: `${ctx.vmDir}/OVMF_VARS.fd` },
    },
  },
  'tpm-secure-boot': {
    config: { ...base, firmware: 'uefi', tpm: true, secureBoot: true },
    ctx: {
      ...ctx,
      uefi: { code: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', vars: `${ctx.vmDir}/OVMF_VARS.secboot.fd`, secure: true },
      tpmSocket: '/run/user/1000/vireo/a1b2c3d4/tpm.sock',
    },
  },
  'sata-and-raw-disks': {
    config: {
      ...base,
      disks: [
        { file: 'disk0.qcow2', format: 'qcow2', bus: 'sata' },
        { file: '/data/extra.img', format: 'raw', bus: 'virtio' },
        { file: 'disk2.raw', format: 'raw', bus: 'sata' },
      ],
    },
    ctx,
  },
  'cdrom-first-port-forwards': {
    config: {
      ...base,
      bootOrder: ['cdrom', 'disk'],
      network: {
        mode: 'user',
        model: 'virtio',
        portForwards: [
          { protocol: 'tcp', hostPort: 2222, guestPort: 22 },
          { protocol: 'udp', hostPort: 5353, guestPort: 53 },
        ],
      },
    },
    ctx,
  },
  'windows-virtio-scsi-drivers-cd': {
    config: {
      ...base,
      name: 'Windows 11',
      firmware: 'uefi',
      disks: [
        { file: 'disk0.qcow2', format: 'qcow2', bus: 'scsi' },
        { file: 'disk1.qcow2', format: 'qcow2', bus: 'scsi' },
      ],
      cdrom: '/srv/iso/Win11_23H2_English_x64.iso',
      secondCdrom: '/srv/iso/virtio-win-0.1.240.iso',
      rtc: 'localtime',
      hyperv: true,
    },
    ctx: { ...ctx, hyperv: true, uefi: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: `${ctx.vmDir}/OVMF_VARS.fd` } },
  },
  'windows-sata-e1000e-no-tablet': {
    config: {
      ...base,
      name: 'Windows 10',
      disks: [{ file: 'disk0.qcow2', format: 'qcow2', bus: 'sata' }],
      cdrom: '/srv/iso/Win10_22H2_English_x64.iso',
      network: { mode: 'user', portForwards: [], model: 'e1000e' },
      rtc: 'localtime',
      tablet: false,
      hyperv: true,
    },
    ctx: { ...ctx, accel: 'tcg' },
  },
  'no-network': { config: { ...base, network: { mode: 'none', portForwards: [], model: 'virtio' } }, ctx },
  'hostile-names-and-paths': {
    config: {
      ...base,
      name: 'evil,name=1 -drive "$(rm -rf ~)" ../../etc',
      disks: [{ file: '/tmp/x.qcow2,file.locking=off', format: 'qcow2', bus: 'virtio' }],
      cdrom: '/isos/a,b.iso',
    },
    ctx: { ...ctx, vmDir: '/home/a,b/vireo/vms/a1b2c3d4', qmpSocket: '/run/a,b/qmp.sock', agentSocket: '/run/a,b/agent.sock' },
  },
}

describe('buildQemuArgs golden files', () => {
  for (const [name, { config, ctx }] of Object.entries(cases)) {
    it(`produces the recorded command line for ${name}`, () => {
      const actual = buildQemuArgs(config, ctx).join('\n') + '\n'
      expectGolden(actual, join(goldenDir, `${name}.args`))
    })
  }
})

describe('buildQemuArgs', () => {
  it('doubles every comma in a path so the file name cannot inject options', () => {
    const args = buildQemuArgs(cases['hostile-names-and-paths']!.config, ctx)
    const drive = args.find((a) => a.startsWith('file=/tmp/x.qcow2'))
    expect(drive).toMatch(/^file=\/tmp\/x\.qcow2,,file\.locking=off,format=qcow2,/)
  })

  it('keeps a hostile name inside the guest= value', () => {
    const args = buildQemuArgs(cases['hostile-names-and-paths']!.config, ctx)
    expect(args[args.indexOf('-name') + 1]).toBe(
      'guest=evil,,name=1 -drive "$(rm -rf ~)" ../../etc,debug-threads=on',
    )
  })

  it('uses the host CPU only with KVM', () => {
    const kvm = buildQemuArgs(base, ctx)
    const tcg = buildQemuArgs(base, { ...ctx, accel: 'tcg' })
    expect(kvm[kvm.indexOf('-cpu') + 1]).toBe('host')
    expect(tcg[tcg.indexOf('-cpu') + 1]).toBe('max')
  })

  it('boots the disk first so that an installed guest never needs its ISO ejected', () => {
    const args = buildQemuArgs(base, ctx).join(' ')
    expect(args).toContain('virtio-blk-pci,drive=disk0,id=disk0-dev,bootindex=1')
    expect(args).toContain('ide-cd,drive=cd0,id=cd0-dev,bus=ide.0,bootindex=2')
  })

  it('always passes an explicit format for every disk', () => {
    const args = buildQemuArgs(cases['sata-and-raw-disks']!.config, ctx)
    const drives = args.filter((a, i) => args[i - 1] === '-drive' && a.includes('id=disk'))
    expect(drives).toHaveLength(3)
    for (const d of drives) expect(d).toMatch(/,format=(qcow2|raw),/)
  })

  it('refuses more SATA disks than AHCI ports', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({
      file: `d${i}.qcow2`,
      format: 'qcow2' as const,
      bus: 'sata' as const,
    }))
    expect(() => buildQemuArgs({ ...base, disks: many }, ctx)).toThrow(/SATA/)
  })

  it('puts SCSI disks on one virtio-scsi controller and the second CD drive after the first', () => {
    const args = buildQemuArgs(cases['windows-virtio-scsi-drivers-cd']!.config, ctx)
    expect(args.filter((a) => a.startsWith('virtio-scsi-pci'))).toEqual(['virtio-scsi-pci,id=scsi0'])
    expect(args).toContain('scsi-hd,drive=disk0,id=disk0-dev,bus=scsi0.0,bootindex=1')
    expect(args).toContain('scsi-hd,drive=disk1,id=disk1-dev,bus=scsi0.0')
    expect(args).toContain('ide-cd,drive=cd1,id=cd1-dev,bus=ide.1')
    expect(args.join(' ')).toContain('file=/srv/iso/virtio-win-0.1.240.iso,format=raw')
  })

  it('chooses the NIC model, the clock base and the tablet from the definition', () => {
    const args = buildQemuArgs(cases['windows-sata-e1000e-no-tablet']!.config, ctx)
    expect(args.some((a) => a.startsWith('e1000e,netdev=net0,'))).toBe(true)
    expect(args[args.indexOf('-rtc') + 1]).toBe('base=localtime')
    expect(args.join(' ')).not.toContain('usb-tablet')
    expect(buildQemuArgs(base, ctx).join(' ')).toContain('usb-tablet,bus=usb.0')
  })

  it('adds the Hyper-V enlightenments to the host CPU only when asked to', () => {
    const on = buildQemuArgs(base, { ...ctx, hyperv: true })
    expect(on[on.indexOf('-cpu') + 1]).toBe('host,hv_relaxed,hv_vapic,hv_spinlocks=0x1fff,hv_vpindex,hv_runtime,hv_time,hv_synic,hv_stimer,hv_frequencies,hv_reset')
    const off = buildQemuArgs(base, ctx)
    expect(off[off.indexOf('-cpu') + 1]).toBe('host')
  })

  it('counts the second CD drive against the AHCI ports', () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ file: `d${i}.qcow2`, format: 'qcow2' as const, bus: 'sata' as const }))
    expect(() => buildQemuArgs({ ...base, disks: five }, ctx)).not.toThrow()
    expect(() => buildQemuArgs({ ...base, disks: five, secondCdrom: '/x/virtio-win.iso' }, ctx)).toThrow(/SATA/)
  })

  it('never opens a TCP listener for VNC or QMP', () => {
    const args = buildQemuArgs(base, ctx)
    expect(args[args.indexOf('-vnc') + 1]).toMatch(/^unix:/)
    expect(args.join(' ')).not.toMatch(/tcp:|:5900|host=/)
  })
})

describe('helpers', () => {
  it('qemuOptValue doubles commas and nothing else', () => {
    expect(qemuOptValue('a,b,,c=d')).toBe('a,,b,,,,c=d')
  })
  it('macAddress is stable and in the QEMU range', () => {
    expect(macAddress('a1b2c3d4')).toBe(macAddress('a1b2c3d4'))
    expect(macAddress('a1b2c3d4')).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/)
    expect(macAddress('a1b2c3d4')).not.toBe(macAddress('zzzzzzzz'))
  })
})
