import { createRequire } from 'node:module'
import type * as FastXmlParser from 'fast-xml-parser'
import type { XMLParser } from 'fast-xml-parser'

/**
 * What Vireo shows of a libvirt domain, read from `virsh dumpxml` (any domain: virt-install's,
 * virt-manager's, Vireo's own). Only what the list, the details and the console need; the rest
 * of the XML is libvirt's business.
 */
export interface ParsedDomain {
  type: string
  name: string
  uuid: string
  title: string | null
  memoryMiB: number
  cpus: number
  firmware: 'bios' | 'uefi'
  disks: { path: string; format: string; bus: string }[]
  /** The first CD drive's medium, or null when empty (or there is no CD drive). */
  cdrom: string | null
  hasCdromDrive: boolean
  /** The VNC console of a running domain: a UNIX socket, or a port and the address it listens on. */
  vnc: { socket: string } | { port: number; listen: string } | null
  os: { id: string; name: string } | null
}

/**
 * The parser, made at the first domain read: fast-xml-parser's ES module graph takes ~30 ms to
 * load, which every `vireo` command would pay (issue 20) though most never meet a libvirt
 * connection. Its CommonJS build, required on first use, is one file.
 */
let parser: XMLParser | undefined
function domainParser(): XMLParser {
  if (parser !== undefined) return parser
  const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser
  parser = new fxp.XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    removeNSPrefix: true,
    isArray: (name) => ['disk', 'graphics', 'listen', 'vm', 'os'].includes(name),
  })
  return parser
}

type Node = Record<string, unknown>

function obj(value: unknown): Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : {}
}
function list(value: unknown): Node[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(obj)
}
function text(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  const node = obj(value)
  return typeof node['#text'] === 'string' ? node['#text'] : null
}
function attr(node: Node, name: string): string | null {
  const value = node[`@${name}`]
  return typeof value === 'string' ? value : null
}

const TO_MIB: Record<string, number> = { b: 1 / 1048576, bytes: 1 / 1048576, k: 1 / 1024, kib: 1 / 1024, kb: 1000 / 1048576, m: 1, mib: 1, mb: 1e6 / 1048576, g: 1024, gib: 1024, gb: 1e9 / 1048576 }

/** Parses dumpxml output; a document that is not a domain is an Error (the caller words it). */
export function parseDomainXml(xml: string): ParsedDomain {
  const root = obj(domainParser().parse(xml) as unknown)
  const domain = obj(root.domain)
  const name = text(domain.name)
  const uuid = text(domain.uuid)
  if (name === null || uuid === null) throw new Error('not a libvirt domain (no <name> or <uuid>)')
  const memory = obj(domain.memory)
  const memoryValue = Number(text(domain.memory) ?? '0')
  const unit = (attr(memory, 'unit') ?? 'KiB').toLowerCase()
  const os = list(domain.os)[0] ?? {}
  const loader = obj(os.loader)
  const firmware = attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash' ? 'uefi' : 'bios'
  const devices = obj(domain.devices)
  const disks: ParsedDomain['disks'] = []
  let cdrom: string | null = null
  let hasCdromDrive = false
  for (const disk of list(devices.disk)) {
    const source = obj(disk.source)
    const path = attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'volume') ?? ''
    const device = attr(disk, 'device') ?? 'disk'
    if (device === 'cdrom') {
      if (!hasCdromDrive) cdrom = path === '' ? null : path
      hasCdromDrive = true
    } else if (device === 'disk') {
      disks.push({ path, format: attr(obj(disk.driver), 'type') ?? 'raw', bus: attr(obj(disk.target), 'bus') ?? 'virtio' })
    }
  }
  const vncNode = list(devices.graphics).find((g) => attr(g, 'type') === 'vnc')
  let vnc: ParsedDomain['vnc'] = null
  if (vncNode !== undefined) {
    const socketListen = list(vncNode.listen).find((l) => attr(l, 'type') === 'socket')
    const socket = attr(vncNode, 'socket') ?? (socketListen === undefined ? null : attr(socketListen, 'socket'))
    const port = Number(attr(vncNode, 'port') ?? '-1')
    if (socket !== null) vnc = { socket }
    else if (port > 0) vnc = { port, listen: attr(vncNode, 'listen') ?? '127.0.0.1' }
  }
  const vireo = list(obj(domain.metadata).vm)[0]
  const vireoOs = vireo === undefined ? undefined : list(vireo.os)[0]
  const osId = vireoOs === undefined ? null : attr(vireoOs, 'id')
  return {
    type: attr(domain, 'type') ?? 'qemu',
    name,
    uuid,
    title: text(domain.title),
    memoryMiB: Math.round(memoryValue * (TO_MIB[unit] ?? 1 / 1024)),
    cpus: Number(text(domain.vcpu) ?? '1'),
    firmware,
    disks,
    cdrom,
    hasCdromDrive,
    vnc,
    os: osId === null || vireoOs === undefined ? null : { id: osId, name: attr(vireoOs, 'name') ?? osId },
  }
}
