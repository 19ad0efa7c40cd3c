import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import config, { electronDist } from '../electron-builder.config.js'

// The desktop packages' configuration, checked without electron-builder or the Electron
// binary (neither is on our machines; the config was also checked once against
// electron-builder 26.17's own schema, scheme.json, as the report says).
const root = join(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'vireo-eb-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the desktop packages', () => {
  it('set the fuses for a packaged app: no Node.js in it, only its own checked app.asar', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    })
  })

  it('are an AppImage and a deb (vireo-desktop) for Linux x64', () => {
    expect(config.linux.target).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ])
    expect(config.deb.packageName).toBe('vireo-desktop')
    expect(config.executableName).toBe('vireo-desktop')
    expect(config.deb.depends).toEqual(expect.arrayContaining(['qemu-system-x86', 'qemu-utils']))
  })

  it("carry the built app and the window's icon, with the icon set and desktop entry of resources/", () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'resources/icons/**']))
    expect(readdirSync(join(root, config.linux.icon))).toEqual(
      expect.arrayContaining(['16x16.png', '512x512.png']),
    )
    expect(config.linux.desktop.entry).toMatchObject({
      Name: 'Vireo',
      Categories: 'System;Emulator;',
      StartupWMClass: 'vireo',
    })
    expect(config.linux.desktop.entry).not.toHaveProperty('Exec')
  })

  it('take Electron from VIREO_ELECTRON_DIST, else from node_modules/electron/dist, only where its binary is', () => {
    const given = join(scratch, 'given')
    const own = join(scratch, 'project', 'node_modules', 'electron', 'dist')
    mkdirSync(given, { recursive: true })
    mkdirSync(own, { recursive: true })
    const project = join(scratch, 'project')
    expect(electronDist({ VIREO_ELECTRON_DIST: given }, project)).toBeNull()
    expect(electronDist({}, project)).toBeNull()
    writeFileSync(join(own, 'electron'), '')
    expect(electronDist({}, project)).toBe(own)
    // A folder given is the one used, or none: never a silent fallback to another Electron.
    expect(electronDist({ VIREO_ELECTRON_DIST: given }, project)).toBeNull()
    writeFileSync(join(given, 'electron'), '')
    expect(electronDist({ VIREO_ELECTRON_DIST: given }, project)).toBe(given)
  })
})
