import { resolve } from 'node:path'
import type { SettingKey, SettingsChanges, SettingsInfo } from '../api/types'
import { msg, VireoError } from '../core/errors'
import { settingKeys } from '../core/settings-types'
import type { CliValues } from './args'
import type { Say } from './language'
import { withSession } from './session'

/**
 * `vireo settings [get [KEY] | set KEY VALUE… | reset KEY]`: the settings file every front end
 * shares ($XDG_CONFIG_HOME/vireo/settings.json), through the same API methods as the window
 * (getSettings, updateSettings). Folders are made absolute from the current folder; `set
 * isoFolders` takes one or more folders (the whole list); `reset` puts a key's default back.
 */
export function runSettings(rest: string[], values: CliValues): Promise<number> {
  return withSession(values, async ({ call, say, out }) => {
    const [action = 'get', key, ...args] = rest
    if (action === 'get') {
      const info = await call('getSettings', {})
      const keys = key === undefined ? settingKeys : [knownKey(key)]
      out(key === undefined ? info : info.values[keys[0] as SettingKey], formatSettings(info, keys, say))
      return 0
    }
    if (action !== 'set' && action !== 'reset') {
      throw new VireoError('INVALID_INPUT', msg('error.settings.usage', { action }), msg('error.settings.usageHint'))
    }
    const name = knownKey(key)
    const changes: SettingsChanges = action === 'reset' ? { [name]: null } : { [name]: parseValue(name, args) }
    const info = await call('updateSettings', { changes })
    out(info, formatSettings(info, [name], say))
    if (name === 'vmFolder' && info.overrides.vmFolder === undefined && (info.values.vmFolder ?? '') !== info.vmFolderInUse) {
      console.error(say(msg('cli.settings.vmFolderNextStart', { inUse: info.vmFolderInUse })))
    }
    return 0
  })
}

function knownKey(key: string | undefined): SettingKey {
  if (key !== undefined && (settingKeys as readonly string[]).includes(key)) return key as SettingKey
  throw new VireoError(
    'INVALID_INPUT',
    msg('error.settings.unknownKey', { key: key ?? '' }),
    msg('error.settings.unknownKeyHint', { keys: settingKeys.join(', ') }),
  )
}

/** The command line's words as the key's value; the API validates the rest. */
function parseValue(key: SettingKey, args: string[]): SettingsChanges[SettingKey] {
  const [first] = args
  if (first === undefined) {
    throw new VireoError('INVALID_INPUT', msg('error.settings.needsValue', { key }), msg('error.settings.needsValueHint', { key }))
  }
  if (key === 'isoFolders') return args.map((folder) => resolve(folder))
  if (key === 'vmFolder') return resolve(first)
  return first as SettingsChanges['theme']
}

export function formatSettings(info: SettingsInfo, keys: readonly SettingKey[], say: Say): string {
  const lines = [say(msg('cli.settings.file', { file: info.file }))]
  for (const key of keys) {
    const value = info.values[key]
    const shown =
      value === null ? say(msg('cli.settings.default')) : Array.isArray(value) ? value.join(':') || say(msg('cli.settings.none')) : value
    lines.push(`${key}: ${shown}`)
    const override = info.overrides[key]
    if (override !== undefined) lines.push(say(msg('cli.settings.overridden', { variable: override.variable, value: override.value })))
  }
  return lines.join('\n')
}
