import { connect } from 'node:net'
import { Duplex } from 'node:stream'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { VncEndpoint } from '../console/console-tokens'
import type { Screenshot } from '../types'
import { ppmToPng } from './ppm-png'
import type { ParsedDomain } from './domain-parse'
import { libvirtMessages as m } from './libvirt-messages'
import { SSH_ENV, type LibvirtUri } from './virsh'

/**
 * Where a libvirt domain's VNC console is reached from here (and a picture of its screen). Locally: its UNIX socket, or its
 * port on 127.0.0.1. Over qemu+ssh: a stream through the same user, host, port and key the URI
 * names (`ssh -W 127.0.0.1:PORT`, or `nc -U SOCKET` there), with the host key checked strictly
 * and no prompt, so nothing is opened to the network and no password travels in a URL.
 */
export function consoleEndpoint(uri: LibvirtUri, vnc: ParsedDomain['vnc']): VncEndpoint {
  if (vnc === null) throw m.noConsole()
  if ('port' in vnc && !isLoopback(vnc.listen)) throw m.consoleNetwork(vnc.listen)
  if (uri.ssh === null) {
    if ('socket' in vnc) return vnc.socket
    const { port } = vnc
    return () => connect({ host: '127.0.0.1', port })
  }
  const argv = sshArgv(uri.ssh)
  const remote = 'socket' in vnc ? { args: [uri.ssh.host, 'nc', '-U', shellQuote(vnc.socket)] } : { args: ['-W', `127.0.0.1:${vnc.port}`, uri.ssh.host] }
  return () => sshStream(uri.ssh?.command ?? 'ssh', [...argv, ...remote.args])
}

/** ssh's options for a URI's host: its user, port and key; strict host keys; never a prompt. */
export function sshArgv(ssh: NonNullable<LibvirtUri['ssh']>): string[] {
  return [
    '-T',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=15',
    ...(ssh.port === null ? [] : ['-p', String(ssh.port)]),
    ...(ssh.user === null ? [] : ['-l', ssh.user]),
    ...(ssh.keyfile === null ? [] : ['-i', ssh.keyfile, '-o', 'IdentitiesOnly=yes']),
    ...(ssh.knownHosts === null ? [] : ['-o', `UserKnownHostsFile=${ssh.knownHosts}`]),
  ]
}

/** A word for the remote shell (ssh joins a command into one string): single-quoted. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

function isLoopback(listen: string): boolean {
  return listen === '127.0.0.1' || listen === '::1' || listen === 'localhost'
}

function sshStream(program: string, args: string[]): Duplex {
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...SSH_ENV } })
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)))
  child.on('error', (error) => stream.destroy(error))
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) stream.destroy(new Error(`ssh exited with code ${code}: ${stderr.trim()}`))
  })
  stream.on('close', () => child.kill())
  return stream
}

/** A PNG of the domain's screen: virsh writes the file where virsh runs (here), also for a remote host. */
export async function domainScreenshot(call: (args: string[]) => Promise<string>, uuid: string): Promise<Screenshot> {
  const dir = await mkdtemp(join(tmpdir(), 'vireo-shot-'))
  try {
    const file = join(dir, 'screen')
    await call(['screenshot', uuid, '--file', file])
    const image = await readFile(file)
    if (image.readUInt32BE(0) === 0x89504e47) return { png: image.toString('base64'), width: image.readUInt32BE(16), height: image.readUInt32BE(20) }
    const { png, width, height } = ppmToPng(image)
    return { png: png.toString('base64'), width, height }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
