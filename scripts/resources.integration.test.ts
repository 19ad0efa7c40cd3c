import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'

// resources/: the icon, the desktop entry and the AppStream metadata, checked by the
// freedesktop validators where they are installed (.ci/run installs them; elsewhere each check
// is skipped, saying which package it needs).
const root = join(import.meta.dirname, '..')
const linux = join(root, 'resources', 'linux')
const id = 'io.github.vireo.Vireo'
const desktop = join(linux, `${id}.desktop`)
const metainfo = join(linux, `${id}.metainfo.xml`)

async function installed(program: string): Promise<boolean> {
  return (
    (await execa('sh', ['-c', 'command -v "$1"', 'sh', program], { reject: false })).exitCode === 0
  )
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(file: string): [number, number] {
  const png = readFileSync(file)
  if (png.subarray(1, 4).toString() !== 'PNG') throw new Error(`${file} is not a PNG`)
  return [png.readUInt32BE(16), png.readUInt32BE(20)]
}

describe('resources', () => {
  it('has the icon as SVG and as a PNG of every size, each square and as named', () => {
    expect(readFileSync(join(root, 'resources', 'icon.svg'), 'utf8')).toMatch(
      /<svg[^>]+viewBox="0 0 128 128"/,
    )
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(root, 'resources', 'icons', `${size}x${size}.png`)), `${size}`).toEqual([
        size,
        size,
      ])
    }
  })

  it('has a desktop entry that desktop-file-validate passes, naming the icon and the command', async (ctx) => {
    if (!(await installed('desktop-file-validate')))
      ctx.skip('desktop-file-validate is not installed (Debian: desktop-file-utils)')
    const r = await execa('desktop-file-validate', [desktop], { reject: false })
    expect(r.stdout + r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
    const entry = readFileSync(desktop, 'utf8')
    expect(entry).toMatch(new RegExp(`^Icon=${id.replaceAll('.', '\\.')}$`, 'm'))
    expect(entry).toMatch(/^Exec=vireo-desktop$/m)
  })

  it('has AppStream metadata that appstreamcli validates with no warning', async (ctx) => {
    if (!(await installed('appstreamcli')))
      ctx.skip('appstreamcli is not installed (Debian: appstream)')
    const r = await execa('appstreamcli', ['validate', '--no-net', metainfo], { reject: false })
    expect(r.exitCode, r.stdout + r.stderr).toBe(0)
    // Infos and pedantic notes are allowed; a warning (W:) or an error (E:) is not.
    expect(r.stdout).not.toMatch(/^[WE]: /m)
    expect(readFileSync(metainfo, 'utf8')).toContain(
      `<launchable type="desktop-id">${id}.desktop</launchable>`,
    )
  })

  it("shows the README's screenshots, each a file of the repository at its URL's path", () => {
    const xml = readFileSync(metainfo, 'utf8')
    const images = [...xml.matchAll(/<image>([^<]+)<\/image>/g)].map((m) => m[1] ?? '')
    expect(images.length).toBeGreaterThan(0)
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    for (const url of images) {
      const path = url.match(
        /^https:\/\/raw\.githubusercontent\.com\/vireo\/vireo\/main\/(.+)$/,
      )?.[1]
      expect(path, url).toBeDefined()
      expect(existsSync(join(root, path ?? '')), url).toBe(true)
      expect(readme, url).toContain(`(${path})`)
    }
  })
})
