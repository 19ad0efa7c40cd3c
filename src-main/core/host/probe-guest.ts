/**
 * The tiny guest that proves an accelerator works: a multiboot (v1) kernel, loaded by QEMU's
 * `-kernel`, that turns on paging and touches 32 MiB of memory through it, then reports.
 *
 * Why paging: under broken nested virtualisation /dev/kvm opens and a guest starts, but it hangs
 * as soon as it needs second-level address translation. This guest maps the first 64 MiB
 * twice with 4 MiB pages (PSE): at 0 (identity) and again at 64 MiB (an alias). It writes
 * each 4 KiB page of 4–36 MiB through the alias and reads it back through the identity
 * mapping, so a run that reports success has really translated addresses.
 *
 * It reports by:
 *  - writing `OK\n` to COM1 (port 0x3f8; QEMU's UART needs no setup to transmit);
 *  - writing 0x10 to QEMU's isa-debug-exit device at port 0xf4, which makes QEMU exit with
 *    status (0x10 << 1) | 1 = 33 (PROBE_EXIT_OK). On a mismatch it writes 0x11 (status 35).
 *
 * The bytes are hand-assembled; each instruction has its assembly beside it. To review them:
 *   objdump -D -b binary -m i386 --adjust-vma=0x100000 --start-address=0x100020 probe.bin
 * (write the image with `writeFileSync('probe.bin', kvmProbeGuest())`).
 */

/** Where the kernel is loaded: 1 MiB, the usual multiboot load address. */
export const LOAD_ADDRESS = 0x0010_0000
/** The multiboot header is 8 dwords; the code follows it. */
const HEADER_SIZE = 32
export const ENTRY_ADDRESS = LOAD_ADDRESS + HEADER_SIZE

export const PROBE_EXIT_OK = (0x10 << 1) | 1
export const PROBE_EXIT_MISMATCH = (0x11 << 1) | 1
/** The guest's memory, in MiB: the page tables map exactly this much. */
export const PROBE_MEMORY_MIB = 64

const MULTIBOOT_MAGIC = 0x1bad_b002
/** Bit 16: the load addresses are in the header (the "a.out kludge"), so no ELF is needed. */
const MULTIBOOT_AOUT_KLUDGE = 0x0001_0000

/** [machine code, assembly] for each instruction, at ENTRY_ADDRESS (32-bit protected mode). */
// prettier-ignore
export const probeGuestInstructions: ReadonlyArray<readonly [readonly number[], string]> = [
  // Multiboot enters in 32-bit protected mode with paging off and flat segments.
  /* 00 */ [[0xfa], 'cli'],
  /* 01 */ [[0xfc], 'cld'],
  // Clear the page directory at 3 MiB (1024 entries).
  /* 02 */ [[0xbf, 0x00, 0x00, 0x30, 0x00], 'mov edi, 0x300000'],
  /* 07 */ [[0x31, 0xc0], 'xor eax, eax'],
  /* 09 */ [[0xb9, 0x00, 0x04, 0x00, 0x00], 'mov ecx, 1024'],
  /* 0e */ [[0xf3, 0xab], 'rep stosd'],
  // Entries 0–31: 4 MiB pages (present | writable | PS = 0x83). Entry i maps frame (i mod 16),
  // so 0–64 MiB is mapped at 0 and again at 64 MiB.
  /* 10 */ [[0xbf, 0x00, 0x00, 0x30, 0x00], 'mov edi, 0x300000'],
  /* 15 */ [[0xb8, 0x83, 0x00, 0x00, 0x00], 'mov eax, 0x83'],
  /* 1a */ [[0xb9, 0x20, 0x00, 0x00, 0x00], 'mov ecx, 32'],
  /* 1f */ [[0xab], 'fill: stosd'],
  /* 20 */ [[0x05, 0x00, 0x00, 0x40, 0x00], 'add eax, 0x400000'],
  /* 25 */ [[0x25, 0xff, 0x00, 0xc0, 0x03], 'and eax, 0x03c000ff  ; frame wraps after 16'],
  /* 2a */ [[0xe2, 0xf3], 'loop fill'],
  // CR3 = page directory; CR4.PSE (4 MiB pages); CR0.PG.
  /* 2c */ [[0xb8, 0x00, 0x00, 0x30, 0x00], 'mov eax, 0x300000'],
  /* 31 */ [[0x0f, 0x22, 0xd8], 'mov cr3, eax'],
  /* 34 */ [[0x0f, 0x20, 0xe0], 'mov eax, cr4'],
  /* 37 */ [[0x83, 0xc8, 0x10], 'or eax, 0x10'],
  /* 3a */ [[0x0f, 0x22, 0xe0], 'mov cr4, eax'],
  /* 3d */ [[0x0f, 0x20, 0xc0], 'mov eax, cr0'],
  /* 40 */ [[0x0d, 0x00, 0x00, 0x00, 0x80], 'or eax, 0x80000000'],
  /* 45 */ [[0x0f, 0x22, 0xc0], 'mov cr0, eax'],
  /* 48 */ [[0xeb, 0x00], 'jmp $+2'],
  // Write each page's own address into it, through the alias at +64 MiB.
  /* 4a */ [[0xbf, 0x00, 0x00, 0x40, 0x00], 'mov edi, 0x400000'],
  /* 4f */ [[0x89, 0xbf, 0x00, 0x00, 0x00, 0x04], 'touch: mov [edi+0x4000000], edi'],
  /* 55 */ [[0x81, 0xc7, 0x00, 0x10, 0x00, 0x00], 'add edi, 0x1000'],
  /* 5b */ [[0x81, 0xff, 0x00, 0x00, 0x40, 0x02], 'cmp edi, 0x2400000'],
  /* 61 */ [[0x72, 0xec], 'jb touch'],
  // Read them back through the identity mapping.
  /* 63 */ [[0xbe, 0x00, 0x00, 0x40, 0x00], 'mov esi, 0x400000'],
  /* 68 */ [[0x39, 0x36], 'check: cmp [esi], esi'],
  /* 6a */ [[0x75, 0x22], 'jne fail'],
  /* 6c */ [[0x81, 0xc6, 0x00, 0x10, 0x00, 0x00], 'add esi, 0x1000'],
  /* 72 */ [[0x81, 0xfe, 0x00, 0x00, 0x40, 0x02], 'cmp esi, 0x2400000'],
  /* 78 */ [[0x72, 0xee], 'jb check'],
  // Success: "OK\n" on COM1, then isa-debug-exit with 0x10 (QEMU exits with 33).
  /* 7a */ [[0x66, 0xba, 0xf8, 0x03], 'mov dx, 0x3f8'],
  /* 7e */ [[0xb0, 0x4f], "mov al, 'O'"],
  /* 80 */ [[0xee], 'out dx, al'],
  /* 81 */ [[0xb0, 0x4b], "mov al, 'K'"],
  /* 83 */ [[0xee], 'out dx, al'],
  /* 84 */ [[0xb0, 0x0a], "mov al, '\\n'"],
  /* 86 */ [[0xee], 'out dx, al'],
  /* 87 */ [[0xb0, 0x10], 'mov al, 0x10'],
  /* 89 */ [[0xe6, 0xf4], 'out 0xf4, al'],
  /* 8b */ [[0xf4], 'halt: hlt  ; only reached without isa-debug-exit'],
  /* 8c */ [[0xeb, 0xfd], 'jmp halt'],
  // Mismatch: isa-debug-exit with 0x11 (QEMU exits with 35).
  /* 8e */ [[0xb0, 0x11], 'fail: mov al, 0x11'],
  /* 90 */ [[0xe6, 0xf4], 'out 0xf4, al'],
  /* 92 */ [[0xeb, 0xf7], 'jmp halt'],
]

/**
 * A multiboot v1 image: header at offset 0, loaded at LOAD_ADDRESS, entered at
 * ENTRY_ADDRESS, `code` right after the header.
 */
export function multibootImage(code: readonly number[]): Uint8Array {
  const image = new Uint8Array(HEADER_SIZE + code.length)
  const header = new DataView(image.buffer)
  const fields = [
    MULTIBOOT_MAGIC,
    MULTIBOOT_AOUT_KLUDGE,
    -(MULTIBOOT_MAGIC + MULTIBOOT_AOUT_KLUDGE) >>> 0, // checksum: the three sum to 0
    LOAD_ADDRESS, // header_addr: the header is the first thing loaded
    LOAD_ADDRESS, // load_addr
    0, // load_end_addr: 0 = the whole file
    0, // bss_end_addr: no bss
    ENTRY_ADDRESS, // entry_addr
  ]
  fields.forEach((value, i) => header.setUint32(i * 4, value, true))
  image.set(code, HEADER_SIZE)
  return image
}

/** The probe guest's code bytes. */
export function probeGuestCode(): number[] {
  return probeGuestInstructions.flatMap(([bytes]) => [...bytes])
}

/** The probe guest, ready to be written to a file and passed to `-kernel`. */
export function kvmProbeGuest(): Uint8Array {
  return multibootImage(probeGuestCode())
}

/** The listing, for review and debugging: `00100020  fa             cli`. */
export function probeGuestListing(): string {
  let address = ENTRY_ADDRESS
  return probeGuestInstructions
    .map(([bytes, asm]) => {
      const line = `${address.toString(16).padStart(8, '0')}  ${bytes
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(' ')
        .padEnd(20)}${asm}`
      address += bytes.length
      return line
    })
    .join('\n')
}
