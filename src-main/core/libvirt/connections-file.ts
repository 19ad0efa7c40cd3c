import { changeSettings, readSettings, settingsFile } from '../settings'

/**
 * The libvirt connections a user added: the `connections` key of Vireo's settings file
 * (`$XDG_CONFIG_HOME/vireo/settings.json`, else `~/.config/vireo/…`; see settings.ts), shared
 * by every front end, in the order they were added. The one place they are read and written.
 */
export function connectionsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return settingsFile(env)
}

/** The saved URIs; none when there is no settings file yet. A broken file is said so. */
export async function readConnections(path: string): Promise<string[]> {
  return readSettings(path).connections.map((entry) => entry.uri)
}

/** Changes the saved list (one change at a time with the settings' own), keeping every other key. */
export async function changeConnections(path: string, change: (uris: string[]) => string[]): Promise<string[]> {
  return changeSettings(path, (current) => {
    const uris = change(current.connections.map((entry) => entry.uri))
    return { next: { ...current, connections: uris.map((uri) => ({ uri })) }, result: uris }
  })
}
