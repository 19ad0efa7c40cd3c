// `npm run package` (after the build): the server package, dist/vireo_<version>_amd64.deb, for
// headless hosts: the `vireo` command, the web host and the built UI, with no Electron, and a
// Node.js runtime of its own (Debian 12's nodejs is 18; Vireo needs 20.19+: see engines), so it
// installs with `apt install ./dist/vireo_*.deb` and runs from /usr/bin/vireo with no checkout.
//   /usr/bin/vireo                    a launcher: the runtime below on out/main/cli.js
//   /usr/lib/vireo/node               the Node.js that runs this script (or VIREO_PACKAGE_NODE)
//   /usr/lib/vireo/out/{main,renderer} the build, less the Electron main process
//   /usr/lib/vireo/node_modules/      the packages the build imports, with their dependencies
//   /usr/share/bash-completion/completions/vireo, /usr/share/doc/vireo/{copyright,changelog.gz}
// Needs dpkg-deb (every Debian has it). `--out DIR` writes the .deb there instead of dist/;
// `--fast` compresses it with gzip -1 instead of xz -6 (a test's build: seconds, not minutes).
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = join(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const outArg = process.argv.indexOf('--out')
const distDir = outArg === -1 ? join(root, 'dist') : process.argv[outArg + 1]
const lib = '/usr/lib/vireo'

function fail(message) {
  console.error(`package: ${message}`)
  process.exit(1)
}

if (!existsSync(join(root, 'out', 'main', 'cli.js')))
  fail('Vireo is not built: run `npm run build` first (`npm run package` does).')
if (spawnSync('dpkg-deb', ['--version']).status !== 0)
  fail('dpkg-deb is missing (Debian: apt-get install dpkg).')

// The runtime: one that meets package.json's engines, as the tests have run on it.
const node = process.env.VIREO_PACKAGE_NODE ?? process.execPath
const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
const [wantMajor, wantMinor] = pkg.engines.node.replace('>=', '').split('.').map(Number)
const [major, minor] = nodeVersion.slice(1).split('.').map(Number)
if (major < wantMajor || (major === wantMajor && minor < wantMinor))
  fail(
    `${node} is Node.js ${nodeVersion}; Vireo needs ${pkg.engines.node}. Set VIREO_PACKAGE_NODE to a newer node.`,
  )

/** The packages the built Node side imports (bare specifiers, not node: built-ins). */
function importedPackages(files) {
  const names = new Set()
  for (const file of files) {
    const code = readFileSync(file, 'utf8')
    // A specifier is one token (no spaces, quotes or semicolons): bundled code (execa's) holds
    // `from '` inside its own strings, which must not read as an import.
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([@\w][\w@/.+-]*)["']/g)) {
      const spec = m[1]
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue
      names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0])
    }
  }
  return [...names].sort()
}

/** Each package's folder and its dependencies' folders, resolved as Node resolves them. */
function closure(names) {
  const found = new Set()
  const visit = (name, from, optional) => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(join(candidate, 'package.json'))) {
        if (found.has(candidate)) return
        found.add(candidate)
        const meta = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'))
        for (const dep of Object.keys(meta.dependencies ?? {})) visit(dep, candidate, false)
        for (const dep of Object.keys(meta.optionalDependencies ?? {})) visit(dep, candidate, true)
        return
      }
      if (dir === root || dirname(dir) === dir) {
        if (optional) return
        fail(`${name} is needed at run time but not installed: run \`npm ci\`.`)
      }
    }
  }
  for (const name of names) visit(name, root, false)
  return [...found].sort()
}

const mainDir = join(root, 'out', 'main')
// index.js is the Electron main process: the only file that imports electron.
const mainFiles = readdirSync(mainDir).filter((f) => f.endsWith('.js') && f !== 'index.js')
const imported = importedPackages(mainFiles.map((f) => join(mainDir, f)))
for (const name of imported) {
  if (!(name in pkg.dependencies))
    fail(`the build imports ${name}, which is not in package.json's dependencies.`)
}

const stage = mkdtempSync(join(tmpdir(), 'vireo-deb-'))
try {
  const at = (path) => join(stage, path)
  const libDir = at(lib)
  mkdirSync(join(libDir, 'out', 'main'), { recursive: true })
  for (const f of mainFiles) copyFileSync(join(mainDir, f), join(libDir, 'out', 'main', f))
  cpSync(join(root, 'out', 'renderer'), join(libDir, 'out', 'renderer'), { recursive: true })
  for (const dir of closure(imported)) {
    cpSync(dir, join(libDir, relative(root, dir)), {
      recursive: true,
      filter: (src) => !src.includes('/.bin'),
    })
  }
  // The build's files are ES modules: the nearest package.json says so.
  writeFileSync(
    join(libDir, 'package.json'),
    `${JSON.stringify({ name: 'vireo', version: pkg.version, private: true, type: 'module' }, null, 2)}\n`,
  )
  copyFileSync(node, join(libDir, 'node'))

  mkdirSync(at('usr/bin'), { recursive: true })
  writeFileSync(
    at('usr/bin/vireo'),
    `#!/bin/sh\n# Vireo's command, run by its own Node.js (${nodeVersion}).\nexec ${lib}/node ${lib}/out/main/cli.js "$@"\n`,
  )

  const completion = execFileSync(
    node,
    [join(libDir, 'out', 'main', 'cli.js'), 'completion', 'bash'],
    { encoding: 'utf8' },
  )
  mkdirSync(at('usr/share/bash-completion/completions'), { recursive: true })
  writeFileSync(at('usr/share/bash-completion/completions/vireo'), completion)

  const doc = at('usr/share/doc/vireo')
  mkdirSync(doc, { recursive: true })
  writeFileSync(join(doc, 'copyright'), copyright())
  const date = new Date(Number(process.env.SOURCE_DATE_EPOCH ?? Date.now() / 1000) * 1000)
    .toUTCString()
    .replace('GMT', '+0000')
  const changelog = `vireo (${pkg.version}) unstable; urgency=medium\n\n  * Built from the Vireo source by npm run package.\n\n -- Vireo developers <vireo@users.noreply.github.com>  ${date}\n`
  writeFileSync(join(doc, 'changelog.gz'), gzipSync(changelog, { level: 9 }))

  // Files 0644, folders and programs 0755 (root-owned: --root-owner-group).
  normalise(stage)
  for (const program of [at('usr/bin/vireo'), join(libDir, 'node')]) chmodSync(program, 0o755)

  mkdirSync(at('DEBIAN'))
  writeFileSync(at('DEBIAN/control'), control(installedSize(stage)))
  mkdirSync(distDir, { recursive: true })
  const deb = join(distDir, `vireo_${pkg.version}_amd64.deb`)
  const compression = process.argv.includes('--fast') ? ['-Zgzip', '-z1'] : ['-Zxz', '-z6']
  execFileSync('dpkg-deb', ['--root-owner-group', ...compression, '--build', stage, deb], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  console.log(
    `package: ${relative(process.cwd(), deb) || deb} (Node.js ${nodeVersion}; ${imported.join(', ')} and their dependencies)`,
  )
} finally {
  rmSync(stage, { recursive: true, force: true })
}

function normalise(dir) {
  chmodSync(dir, 0o755)
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) normalise(path)
    else if (entry.isFile()) chmodSync(path, statSync(path).mode & 0o111 ? 0o755 : 0o644)
  }
}

function installedSize(dir) {
  let bytes = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size
  }
  return Math.ceil(bytes / 1024)
}

function control(sizeKiB) {
  return `Package: vireo
Version: ${pkg.version}
Architecture: amd64
Maintainer: Vireo developers <vireo@users.noreply.github.com>
Installed-Size: ${sizeKiB}
Depends: libc6 (>= 2.28), libstdc++6 (>= 5.2), libgcc-s1, qemu-system-x86, qemu-utils
Recommends: ovmf
Suggests: openssh-server
Section: admin
Priority: optional
Homepage: https://github.com/vireo/vireo
Description: virtual-machine manager for QEMU/KVM (command line and web host)
 Vireo creates and runs QEMU/KVM virtual machines: pick an installer ISO, create
 the VM and install the guest in a console in the browser; start, shut down,
 pause, clone and snapshot VMs.
 .
 This package is for headless hosts: the vireo command and \`vireo web\`, which
 serves the UI on 127.0.0.1 with an access token (\`vireo service install\` runs
 it as a systemd user service). It carries its own Node.js runtime; the desktop
 window is packaged apart.
`
}

function copyright() {
  const nodeLicense = ['/usr/share/doc/nodejs/LICENSE', join(dirname(node), '..', 'LICENSE')].find(
    (f) => existsSync(f),
  )
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vireo
Source: https://github.com/vireo/vireo

Files: *
Copyright: The Vireo developers
License: GPL-3.0-or-later
 On Debian systems, the complete text of the GNU General Public License
 version 3 can be found in /usr/share/common-licenses/GPL-3.

Files: usr/lib/vireo/node
Copyright: Node.js contributors and others
License: MIT-and-others
 Node.js ${nodeVersion}, with the licences of what it bundles:
${(nodeLicense
  ? readFileSync(nodeLicense, 'utf8')
  : 'See https://github.com/nodejs/node/blob/main/LICENSE\n'
)
  .split('\n')
  .map((line) => (line.trim() === '' ? ' .' : ` ${line}`))
  .join('\n')}

Files: usr/lib/vireo/node_modules/*
Copyright: Their authors (each package's own LICENSE file, beside it)
License: MIT-or-as-stated
 Each package under usr/lib/vireo/node_modules carries its own licence file.
`
}
