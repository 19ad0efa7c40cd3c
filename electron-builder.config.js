// electron-builder's configuration: the desktop packages, an AppImage and a deb for Linux x64,
// built by `npm run package:desktop` (scripts/package-desktop.js) from the build in out/ and an
// Electron found on this machine (electronDist below: nothing is downloaded). The deb is
// `vireo-desktop`, so that it installs beside the server package `vireo` (npm run package).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = import.meta.dirname

/**
 * The folder of an unpacked Electron to package (its `electron` binary inside): the
 * VIREO_ELECTRON_DIST environment variable, else the electron package's own download
 * (node_modules/electron/dist), else null (the binary is not on this machine).
 */
export function electronDist(env = process.env, dir = root) {
  const candidates = env.VIREO_ELECTRON_DIST
    ? [env.VIREO_ELECTRON_DIST]
    : [join(dir, 'node_modules', 'electron', 'dist')]
  return candidates.find((folder) => existsSync(join(folder, 'electron'))) ?? null
}

/** The desktop entry's fields, from resources/linux (Exec and Icon are electron-builder's). */
function desktopEntry() {
  const text = readFileSync(
    join(root, 'resources', 'linux', 'io.github.vireo.Vireo.desktop'),
    'utf8',
  )
  const entry = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (m && !['Type', 'Exec', 'Icon'].includes(m[1])) entry[m[1]] = m[2]
  }
  return entry
}

export default {
  appId: 'io.github.vireo.Vireo',
  productName: 'Vireo',
  executableName: 'vireo-desktop',
  electronDist: electronDist(),
  directories: { output: 'dist/desktop', buildResources: 'resources' },
  // The built app and the window's icon; nothing of the sources, tests or the server package.
  files: ['out/**', '!out/**/*.map', 'resources/icons/**', 'package.json'],
  asar: true,
  // A packaged app is not a Node.js: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect, and it
  // loads only its own app.asar, whose integrity is checked.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
  },
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ],
    icon: 'resources/icons',
    category: 'System',
    synopsis: 'Create and run virtual machines with QEMU and KVM',
    desktop: { entry: desktopEntry() },
  },
  deb: {
    packageName: 'vireo-desktop',
    // Electron's own needs (electron-builder's defaults), then QEMU's.
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
      'qemu-system-x86',
      'qemu-utils',
    ],
    recommends: ['ovmf'],
  },
}
