import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDispatcher } from '../api/dispatch'
import { resolvePaths } from '../core/paths'
import { Vireo } from '../core/vireo'
import { connectionsFilePath } from '../core/libvirt/connections-file'
import { isLoopback, startWebHost, type WebHost } from '../web/web-host'
import { intOption, type CliValues } from './args'
import { webToken } from './web-token'

/** `vireo web`: the UI and API on loopback, until interrupted. VMs keep running after it. */
export async function runWeb(values: CliValues): Promise<number> {
  const host = values.host ?? '127.0.0.1'
  const port = intOption(values, 'port') ?? 8765
  const token = webToken({ token: values.token, tokenFile: values['token-file'] }, process.env)
  // Not passed on to the QEMUs and qemu-imgs this host starts.
  delete process.env.VIREO_TOKEN
  if (!isLoopback(host)) {
    console.warn(
      `vireo: WARNING: listening on ${host}, not loopback. Anyone who can reach it and learns the token controls your VMs; prefer an SSH tunnel.`,
    )
  }
  const vireo = new Vireo({ paths: resolvePaths(), watch: true, connectionsFile: connectionsFilePath() })
  let web: WebHost
  try {
    await vireo.attachRunning()
    web = await startWebHost({
      dispatch: createDispatcher(vireo),
      events: vireo,
      consoleUpgrade: (req, socket, head) => vireo.consoleBridge.handleUpgrade(req, socket, head),
      staticDir: join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer'),
      token,
      host,
      port,
    })
  } catch (error) {
    // Let go of the running VMs' QMP connections, or this process would never exit.
    vireo.dispose()
    throw error
  }
  console.log(`Vireo is running at ${web.url}`)
  console.log(
    'Open that URL in a browser (it carries the access token). Ctrl+C stops the web host; VMs keep running.',
  )
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  // Consoles first: their upgraded sockets are not the HTTP server's to close, and it waits
  // for every one of them before it lets go.
  await vireo.consoleBridge.close()
  await web.close()
  vireo.dispose()
  return 0
}
