import { z } from 'zod'

/**
 * A VM's definition: a plain, versioned value, validated whenever it crosses a boundary
 * (a file on disk, an API call). The QEMU command line is derived from it, never stored.
 * Defaults follow libvirt/virt-manager for a modern Linux guest.
 */
export const CONFIG_VERSION = 1

export const vmIdSchema = z
  .string()
  .regex(/^[a-z0-9]{8,32}$/, 'a VM id is 8 to 32 lowercase letters and digits')

/** Any Unicode text a person would use as a name; never used as a path or unescaped option. */
function nameSchema(what: string, max: number) {
  return z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, `Give the ${what} a name.`)
        .max(max, `A name can be at most ${max} characters.`)
        // eslint-disable-next-line no-control-regex
        .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'A name cannot contain control characters.')
        .refine(
          (s) => !BIDI_CONTROLS.test(s),
          'A name cannot contain text-direction control characters (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069): they can make it look like another name.',
        ),
    )
}

/**
 * Invisible marks that reorder the text around them (embeddings, overrides, isolates and the
 * direction marks): “\u202Eevil” shows as “live” and can pass for another VM in a list. Letters
 * of right-to-left scripts are fine; only these controls are refused.
 */
export const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/

export const vmNameSchema = nameSchema('VM', 120)

/** qemu-img finds a snapshot by its number as well as its name, so a name is not digits alone. */
export const snapshotNameSchema = nameSchema('snapshot', 64).refine(
  (s) => !/^\d+$/.test(s),
  'A snapshot name needs more than digits (qemu-img would take it for a snapshot number).',
)

export const diskFormatSchema = z.enum(['qcow2', 'raw'])
export const diskBusSchema = z.enum(['virtio', 'sata', 'ide', 'scsi'])
export const nicModelSchema = z.enum(['virtio', 'e1000e'])
export const rtcBaseSchema = z.enum(['utc', 'localtime'])
export const firmwareSchema = z.enum(['bios', 'uefi'])
export const accelChoiceSchema = z.enum(['auto', 'kvm', 'tcg'])
export const bootDeviceSchema = z.enum(['disk', 'cdrom'])

export const diskSchema = z.object({
  /** A file name inside the VM's folder, or an absolute path for a disk kept elsewhere. */
  file: z.string().min(1),
  format: diskFormatSchema,
  bus: diskBusSchema.default('virtio'),
})

export const portForwardSchema = z.object({
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  hostPort: z.number().int().min(1).max(65535),
  guestPort: z.number().int().min(1).max(65535),
})

/**
 * Port forwards as a caller asks for them: besides each rule's shape, one rule per host port
 * and protocol (QEMU would refuse the second at start, far from where it was typed). Stored
 * configs are read with the plain list, so that an older one is never made unreadable.
 */
export const portForwardRequestSchema = z
  .array(portForwardSchema)
  .max(32)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>()
    rules.forEach((rule, index) => {
      const key = `${rule.protocol}/${rule.hostPort}`
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'hostPort'],
          message: `Host port ${rule.hostPort} (${rule.protocol.toUpperCase()}) is forwarded twice; a host port can lead to one guest port only. Remove or change one of the rules.`,
        })
      }
      seen.add(key)
    })
  })

export const networkSchema = z.object({
  mode: z.enum(['user', 'none']).default('user'),
  portForwards: z.array(portForwardSchema).max(32).default([]),
  /** The NIC the guest sees: virtio (fast, needs drivers on Windows) or an Intel e1000e. */
  model: nicModelSchema.default('virtio'),
})

export const osInfoSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(120),
})

export const vmConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  id: vmIdSchema,
  name: vmNameSchema,
  os: osInfoSchema.optional(),
  memoryMiB: z.number().int().min(32).max(4 * 1024 * 1024),
  cpus: z.number().int().min(1).max(288),
  firmware: firmwareSchema.default('bios'),
  accel: accelChoiceSchema.default('auto'),
  disks: z.array(diskSchema).max(8),
  /** Absolute path of an ISO in the virtual CD drive, or null when the drive is empty. */
  cdrom: z.string().min(1).nullable().default(null),
  /**
   * Disk first: a blank disk is not bootable, so firmware falls through to the CD and the
   * installer runs; once installed, the disk boots with no eject needed.
   */
  bootOrder: z.array(bootDeviceSchema).min(1).max(2).default(['disk', 'cdrom']),
  network: networkSchema.default({ mode: 'user', portForwards: [], model: 'virtio' }),
  /**
   * A second CD drive (e.g. the virtio-win drivers ISO beside a Windows installer): an
   * absolute path, or null for none. Configs from before it read as null.
   */
  secondCdrom: z.string().min(1).nullable().default(null),
  /** What the guest's clock keeps: UTC (Linux) or local time (Windows). */
  rtc: rtcBaseSchema.default('utc'),
  /** A USB tablet (absolute pointer) on an xHCI controller. */
  tablet: z.boolean().default(true),
  /** Hyper-V enlightenments on -cpu for Windows guests; applied only when KVM runs the VM. */
  hyperv: z.boolean().default(false),
  /** A TPM 2.0 (swtpm, its state in the VM's folder `tpm/`): Windows 11 asks for one. */
  tpm: z.boolean().default(false),
  /** UEFI Secure Boot with Microsoft's keys enrolled (needs firmware 'uefi'). */
  secureBoot: z.boolean().default(false),
  createdAt: z.string(),
})

export type VmConfig = z.infer<typeof vmConfigSchema>
export type DiskConfig = z.infer<typeof diskSchema>
export type PortForward = z.infer<typeof portForwardSchema>
export type Firmware = z.infer<typeof firmwareSchema>
export type AccelChoice = z.infer<typeof accelChoiceSchema>
export type DiskFormat = z.infer<typeof diskFormatSchema>
export type BootDevice = z.infer<typeof bootDeviceSchema>
export type DiskBus = z.infer<typeof diskBusSchema>
export type NicModel = z.infer<typeof nicModelSchema>
export type RtcBase = z.infer<typeof rtcBaseSchema>
