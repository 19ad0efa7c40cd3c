import { describe, expect, it } from 'vitest'
import { VireoError, english } from './errors'
import { commandFailure, formatCommandLine, installHint, mainMessage, runCommand } from './exec'

// The program these tests run is Node itself (the runtime under test), so they need nothing
// installed beyond what runs them.
const node = process.execPath
const script = (code: string): string[] => ['-e', code]

async function failureOf(promise: Promise<unknown>): Promise<VireoError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof VireoError)) throw new Error(`expected a VireoError, got ${String(error)}`)
  return error
}

describe('runCommand', () => {
  it('returns stdout and stderr of a program that succeeds', async () => {
    const r = await runCommand(node, script('console.log("out"); console.error("err")'))
    expect(r).toEqual({ stdout: 'out', stderr: 'err', exitCode: 0 })
  })

  it('passes arguments as they are, without a shell', async () => {
    const hostile = ['$(touch /tmp/x)', 'a b', "'", ';', '*', '--flag=1,2']
    const r = await runCommand(node, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...hostile,
    ])
    expect(JSON.parse(r.stdout)).toEqual(hostile)
  })

  it('runs with LC_ALL=C plus the given environment', async () => {
    const r = await runCommand(
      node,
      script('console.log(process.env.LC_ALL + " " + process.env.VIREO_X)'),
      { env: { VIREO_X: 'y' } },
    )
    expect(r.stdout).toBe('C y')
  })

  it('turns a non-zero exit into COMMAND_FAILED with the command, code and stderr tail', async () => {
    const code = 'console.error("noise"); console.error("node: Could not open x"); process.exit(3)'
    const e = await failureOf(runCommand(node, script(code)))
    expect(e.code).toBe('COMMAND_FAILED')
    expect(e.message).toBe('node failed: Could not open x')
    const d = commandFailure(e)
    expect(d?.exitCode).toBe(3)
    expect(d?.command).toEqual([node, '-e', code])
    expect(d?.stderrTail).toEqual(['noise', 'node: Could not open x'])
    expect(d?.commandLine).toContain("'console.error(")
  })

  it('accepts the exit codes it is told are fine', async () => {
    const r = await runCommand(node, script('process.exit(33)'), { okExitCodes: [33] })
    expect(r.exitCode).toBe(33)
  })

  it('names the program and the package to install when the program is missing', async () => {
    const e = await failureOf(runCommand('vireo-no-such-program', ['--version']))
    expect(e.code).toBe('HOST_UNSUPPORTED')
    expect(e.message).toContain('vireo-no-such-program is not installed')
    expect(e.details?.missingProgram).toBe('vireo-no-such-program')
    const absolute = await failureOf(runCommand('/nonexistent/qemu-img', ['--version']))
    expect(absolute.message).toBe(
      'qemu-img is not installed (/nonexistent/qemu-img does not exist).',
    )
    expect(absolute.hint).toContain('sudo apt install qemu-utils')
  })

  it('stops a program that runs past its timeout', async () => {
    const started = Date.now()
    const e = await failureOf(
      runCommand(node, script('setInterval(() => {}, 1000)'), {
        timeoutMs: 300,
        killSignal: 'SIGKILL',
      }),
    )
    expect(e.code).toBe('TIMEOUT')
    expect(e.message).toBe('node did not finish within 300 ms and was stopped.')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('stops a program when its AbortSignal aborts', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const e = await failureOf(
      runCommand(node, script('setInterval(() => {}, 1000)'), { signal: controller.signal }),
    )
    expect(e.code).toBe('COMMAND_FAILED')
    expect(commandFailure(e)?.cancelled).toBe(true)
  })

  it('does not start a program when the signal has already aborted', async () => {
    const e = await failureOf(
      runCommand(node, script('require("fs").writeFileSync("/nonexistent/x", "")'), {
        signal: AbortSignal.abort(),
      }),
    )
    expect(e.message).toBe('node was cancelled.')
  })

  it('hands stdout to onStdout as it arrives', async () => {
    const chunks: string[] = []
    const code = 'process.stdout.write("a\\r"); setTimeout(() => process.stdout.write("b\\r"), 100)'
    const r = await runCommand(node, script(code), { onStdout: (c) => chunks.push(c) })
    expect(chunks.join('')).toBe('a\rb\r')
    expect(r.stdout).toBe('a\rb\r')
  })
})

describe('installHint', () => {
  it('names the Debian and Fedora packages of the QEMU programs', () => {
    expect(english(installHint('qemu-img'))).toContain('sudo apt install qemu-utils')
    expect(english(installHint('qemu-img'))).toContain('sudo dnf install qemu-img')
    expect(english(installHint('/usr/bin/qemu-system-x86_64'))).toContain('qemu-system-x86 (Debian')
    expect(english(installHint('qemu-system-x86_64'))).toContain('sudo dnf install qemu-kvm')
  })
})

describe('mainMessage', () => {
  it("prefers the program's own last message over trailing advice", () => {
    const lines = [
      'qemu-img: Could not open \'a.qcow2\': Failed to get shared "write" lock',
      'Is another process using the image [a.qcow2]?',
    ]
    expect(mainMessage(lines, 'qemu-img')).toBe(
      'Could not open \'a.qcow2\': Failed to get shared "write" lock',
    )
    expect(mainMessage(['plain'], 'qemu-img')).toBe('plain')
    expect(mainMessage([], 'qemu-img')).toBeUndefined()
  })
})

describe('formatCommandLine', () => {
  it('quotes only what a shell would misread', () => {
    expect(formatCommandLine(['qemu-img', 'info', "it's here.qcow2", 'x,y=z'])).toBe(
      `qemu-img info 'it'\\''s here.qcow2' x,y=z`,
    )
  })
})
