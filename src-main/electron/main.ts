import { createServer } from 'node:http'
import { join } from 'node:path'
import { app, BrowserWindow, dialog, protocol, session } from 'electron'
import { toErrorInfo } from '../core/errors'
import { resolvePaths } from '../core/paths'
import { Vireo } from '../core/vireo'
import { connectionsFilePath } from '../core/libvirt/connections-file'
import { isOwnUrl, permissionHandlers } from './frame-trust'
import { installIpcBridge } from './ipc-bridge'
import { serveRenderer } from './renderer-protocol'
import { APP_SCHEME, rendererLocation, windowIcon, windowOptions } from './window-options'

// The desktop door: one window, the preload, one IPC bridge. Everything else is the core.

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

const rendererDir = join(import.meta.dirname, '..', 'renderer')

async function main(): Promise<void> {
  const paths = resolvePaths()
  // One app per data folder: a Vireo given its own VIREO_HOME (a second set of VMs, a test)
  // gets its own Electron profile there, and so its own single-instance lock.
  if (process.env.VIREO_HOME !== undefined)
    app.setPath('userData', join(paths.home, 'electron-profile'))
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  await app.whenReady()
  protocol.handle(APP_SCHEME, (request) => serveRenderer(rendererDir, request))
  // Every permission is denied, but fullscreen for our own page (the console's button).
  const renderer = rendererLocation(process.env, app.isPackaged)
  const permissions = permissionHandlers(renderer)
  session.defaultSession.setPermissionRequestHandler(permissions.request)
  session.defaultSession.setPermissionCheckHandler(permissions.check)

  const vireo = new Vireo({ paths, watch: true, connectionsFile: connectionsFilePath() })
  await vireo.attachRunning()

  // Consoles: a loopback WebSocket bridge to each VM's VNC socket, opened with one-time tokens.
  const consoleServer = createServer((_req, res) => res.writeHead(404).end())
  vireo.consoleBridge.attach(consoleServer)
  await new Promise<void>((resolve) => consoleServer.listen(0, '127.0.0.1', resolve))
  const address = consoleServer.address()
  if (typeof address === 'object' && address !== null)
    vireo.setConsoleOrigin(`ws://127.0.0.1:${address.port}`)

  // Electronegativity cannot see into windowOptions(); window-options.test.ts holds those
  // options to the checklist (contextIsolation, sandbox, no nodeIntegration), and new windows,
  // middle-click included, are denied by setWindowOpenHandler below.
  const preload = join(import.meta.dirname, '..', 'preload', 'index.cjs')
  const window = new BrowserWindow(windowOptions(preload, windowIcon(import.meta.dirname))) // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  const removeBridge = installIpcBridge(vireo, window, renderer)
  const contents = window.webContents
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => {
    if (!isOwnUrl(event.url, renderer)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  // A crashed renderer takes no VM with it: reload the page, the VMs run on.
  contents.on('render-process-gone', () => {
    if (!window.isDestroyed()) void window.loadURL(renderer.url)
  })
  window.once('ready-to-show', () => window.show())
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => {
    removeBridge()
    vireo.dispose()
    void vireo.consoleBridge.close()
    consoleServer.close()
    app.quit()
  })
  await window.loadURL(renderer.url)
}

/**
 * What stops the app from starting (a settings file it cannot read, a data folder it cannot
 * make) is said in a dialog with what to do, instead of a window that never opens.
 */
async function cannotStart(error: unknown): Promise<void> {
  const info = toErrorInfo(error)
  await app.whenReady()
  dialog.showErrorBox('Vireo cannot start', info.hint === undefined ? info.message : `${info.message}\n\n${info.hint}`)
  app.exit(1)
}

main().catch(cannotStart)
