import { createInterface } from 'node:readline/promises'

/** Whether a person can answer a question: stdin and stdout are both a terminal. */
export function canAsk(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true
}

/**
 * Asks a yes/no question on the terminal; only `y` or `yes` (any case) is a yes, and an empty
 * answer, end of input or Ctrl+C is a no.
 */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')))
  rl.once('SIGINT', () => rl.close())
  try {
    const answer = await Promise.race([rl.question(`${question} [y/N] `), closed])
    return /^\s*y(es)?\s*$/i.test(answer)
  } finally {
    rl.close()
  }
}
