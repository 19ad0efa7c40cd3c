import { EventEmitter } from 'node:events'
import { changeSettings, readSettings, settingsFile, settingsSchema, type Settings } from './settings'
import { settingKeys, type SettingsChanges, type SettingsInfo } from './settings-types'

export interface SettingsServiceOptions {
  env: NodeJS.ProcessEnv
  /** The data folder in use (VireoPaths.home). */
  vmFolderInUse: string
}

/**
 * Reads and changes the settings file for the API. Changes are made one at a time (read,
 * merge, validate, atomic write), so two windows changing different keys at once lose neither.
 * A broken file is never overwritten: every change is refused with the file's name, the key at
 * fault and what to do (fix or delete the file) until it is fixed (see readSettings).
 */
export class SettingsService extends EventEmitter<{ changed: [SettingsInfo] }> {
  readonly file: string

  constructor(private readonly options: SettingsServiceOptions) {
    super()
    this.file = settingsFile(options.env)
  }

  get(): SettingsInfo {
    return this.info(readSettings(this.file))
  }

  update(changes: SettingsChanges): Promise<SettingsInfo> {
    return changeSettings(this.file, (current) => {
      const merged: Record<string, unknown> = { ...current }
      for (const key of settingKeys) {
        if (!(key in changes)) continue
        const value = changes[key]
        if (value === null || value === undefined) delete merged[key]
        else merged[key] = value
      }
      const settings = settingsSchema.parse(merged)
      return { next: settings, result: settings }
    }).then((settings) => {
      const info = this.info(settings)
      this.emit('changed', info)
      return info
    })
  }

  private info(settings: Settings): SettingsInfo {
    const { env } = this.options
    const overrides: SettingsInfo['overrides'] = {}
    if (env.VIREO_HOME !== undefined) overrides.vmFolder = { variable: 'VIREO_HOME', value: env.VIREO_HOME }
    if (env.VIREO_ISO_DIRS !== undefined) overrides.isoFolders = { variable: 'VIREO_ISO_DIRS', value: env.VIREO_ISO_DIRS }
    return {
      file: this.file,
      values: {
        vmFolder: settings.vmFolder ?? null,
        isoFolders: settings.isoFolders,
        defaultAccel: settings.defaultAccel,
        theme: settings.theme,
        consoleReleaseChord: settings.consoleReleaseChord,
      },
      overrides,
      vmFolderInUse: this.options.vmFolderInUse,
    }
  }
}
