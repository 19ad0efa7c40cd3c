import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { VireoError, msg, type Message } from '../core/errors'
import { newToken, userTokenProblem } from '../web/auth'

/** Largest token file read (a token is a line; anything bigger is the wrong file). */
const MAX_FILE_BYTES = 4096

const howTo = msg('error.web.howTo')

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
      msg('error.web.noTokenOption'),
    )
  }
  const fromEnv = env.VIREO_TOKEN
  if (options.tokenFile !== undefined && fromEnv !== undefined) {
    throw refuse(msg('error.web.bothTokens'), msg('error.web.useOne'))
  }
  if (options.tokenFile !== undefined)
    return checked(readTokenFile(options.tokenFile), msg('error.web.tokenInFile', { path: options.tokenFile }))
  if (fromEnv !== undefined) return checked(fromEnv, 'VIREO_TOKEN')
  return newToken()
}

function refuse(message: Message, hint = howTo): VireoError {
  return new VireoError('INVALID_INPUT', message, hint)
}

function checked(token: string, source: string | Message): string {
  const problem = userTokenProblem(token)
  if (problem !== null) throw refuse(msg('error.web.tokenIn', { source, problem }))
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
    throw refuse(msg('error.web.fileUnopenable', { path, code }))
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw refuse(msg('error.web.fileNotRegular', { path }))
    if (st.uid !== process.getuid?.()) {
      throw refuse(msg('error.web.fileOtherOwner', { path }))
    }
    if ((st.mode & 0o077) !== 0) {
      throw refuse(
        msg('error.web.fileOpen', { path, mode: (st.mode & 0o777).toString(8) }),
        msg('error.web.fileOpenHint', { path }),
      )
    }
    if (st.size > MAX_FILE_BYTES) {
      throw refuse(
        msg('error.web.fileTooBig', { path, size: st.size }),
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
