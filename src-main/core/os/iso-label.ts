import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { VireoError, msg } from '../errors'

/**
 * Reads an ISO 9660 image's volume label from its Primary Volume Descriptor (sector 16):
 * no mounting, no external tool. Refuses what is not an ISO with a message saying so.
 */
const SECTOR = 2048
const PVD_OFFSET = 16 * SECTOR

export async function readIsoLabel(path: string): Promise<{ label: string | null; sizeBytes: number }> {
  let file
  try {
    // O_NONBLOCK: opening a FIFO (or a device that waits) must not hang this process.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw fileError(path, error)
  }
  try {
    const st = await file.stat()
    if (st.isDirectory()) {
      throw new VireoError('INVALID_INPUT', msg('error.iso.folder', { path }), msg('error.iso.folderHint'))
    }
    if (!st.isFile() && !st.isBlockDevice()) {
      throw new VireoError('INVALID_INPUT', msg('error.iso.notFile', { path }), msg('error.iso.chooseIso'))
    }
    const pvd = Buffer.alloc(SECTOR)
    const { bytesRead } = await file.read(pvd, 0, SECTOR, PVD_OFFSET)
    // Byte 0: descriptor type 1 (primary); bytes 1–5: the standard identifier "CD001".
    if (bytesRead < 72 || pvd[0] !== 1 || pvd.toString('latin1', 1, 6) !== 'CD001') {
      throw new VireoError(
        'INVALID_INPUT',
        msg('error.iso.notIso', { path }),
        msg('error.iso.notIsoHint'),
      )
    }
    // Bytes 40–71: the volume identifier, padded with spaces.
    const label = pvd.toString('latin1', 40, 72).trim()
    return { label: label === '' ? null : label, sizeBytes: st.size }
  } catch (error) {
    if (error instanceof VireoError) throw error
    throw fileError(path, error)
  } finally {
    await file.close()
  }
}

function fileError(path: string, error: unknown): VireoError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') {
    return new VireoError('FILE_MISSING', msg('error.iso.missing', { path }), msg('error.iso.missingHint'))
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new VireoError('INVALID_INPUT', msg('error.iso.unreadable', { path }), msg('error.iso.unreadableHint'))
  }
  if (code === 'EISDIR') {
    return new VireoError('INVALID_INPUT', msg('error.iso.folder', { path }), msg('error.iso.folderHint'))
  }
  return new VireoError('INVALID_INPUT', msg('error.iso.readError', { path, code: code ?? 'error' }))
}
