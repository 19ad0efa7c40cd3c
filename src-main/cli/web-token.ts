import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { VireoError } from '../core/errors'
import { newToken, userTokenProblem } from '../web/auth'

/** Largest token file read (a token is a line; anything bigger is the wrong file). */
const MAX_FILE_BYTES = 4096

const howTo =
  'Put a random token of at least 32 characters (e.g. from `openssl rand -hex 32`) in the ' +
  'VIREO_TOKEN environment variable, or in a file only you can read, given with --token-file PATH; ' +
  'or give neither, and `vireo web` makes one up and prints it in the URL.'

/**
 * The web host's token: from `--token-file PATH` or `VIREO_TOKEN`, else a fresh random one.
 * Never from the command line, which every local user can read in /proc/PID/cmdline.
 * An empty, short or unusable token is refused, saying what to do.
 */
export function webToken(
  options: { token?: string; tokenFile?: string },
  env: NodeJS.ProcessEnv,
): string {
  if (options.token !== undefined) {
    throw refuse(
      `--token is not accepted: a command line is visible to every user of this computer.`,
    )
  }
  const fromEnv = env.VIREO_TOKEN
  if (options.tokenFile !== undefined && fromEnv !== undefined) {
    throw refuse('Both VIREO_TOKEN and --token-file are given.', 'Use one of them.')
  }
  if (options.tokenFile !== undefined)
    return checked(readTokenFile(options.tokenFile), `The token in ${options.tokenFile}`)
  if (fromEnv !== undefined) return checked(fromEnv, 'VIREO_TOKEN')
  return newToken()
}

function refuse(message: string, hint = howTo): VireoError {
  return new VireoError('INVALID_INPUT', message, hint)
}

function checked(token: string, source: string): string {
  const problem = userTokenProblem(token)
  if (problem !== null) throw refuse(`${source}: ${problem}`)
  return token
}

/**
 * Reads a token file: a regular file of the user's own, that no one else may read or write
 * (checked on the open file, so it cannot be swapped between check and read), one line.
 */
function readTokenFile(path: string): string {
  let fd: number
  try {
    // O_NONBLOCK: a FIFO put in its place must not hang the start.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw refuse(`The token file ${path} cannot be opened (${code}).`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw refuse(`The token file ${path} is not a regular file.`)
    if (st.uid !== process.getuid?.()) {
      throw refuse(`The token file ${path} belongs to another user.`)
    }
    if ((st.mode & 0o077) !== 0) {
      throw refuse(
        `The token file ${path} can be read or changed by other users (mode ${(st.mode & 0o777).toString(8)}).`,
        `Run: chmod 600 ${path}`,
      )
    }
    if (st.size > MAX_FILE_BYTES) {
      throw refuse(
        `The token file ${path} is ${st.size} bytes: it should hold one line, the token.`,
      )
    }
    const buffer = Buffer.alloc(MAX_FILE_BYTES)
    const length = readSync(fd, buffer, 0, MAX_FILE_BYTES, 0)
    // One line: the newline an editor or `echo` leaves at its end is not part of the token.
    return buffer
      .subarray(0, length)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  } finally {
    closeSync(fd)
  }
}
