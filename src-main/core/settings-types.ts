/**
 * The settings as the API carries them (getSettings, updateSettings, settingsChanged): plain
 * types, no Node, so the renderer may import them. settings.ts holds the file's schema.
 */
/** The settings the API reads and changes (every key of settings.json this version knows). */
export interface SettingsValues {
  /** Where VMs live; null: the default (`$XDG_DATA_HOME/vireo`). */
  vmFolder: string | null
  /** Folders searched for installer ISOs (and open in the file browser), besides home. */
  isoFolders: string[]
  /** The accelerator the wizard preselects and `vireo create` uses without --accel. */
  defaultAccel: 'auto' | 'kvm' | 'tcg'
  theme: 'system' | 'light' | 'dark'
  consoleReleaseChord: 'ctrl-alt' | 'ctrl-shift' | 'ctrl-alt-shift' | 'right-ctrl'
}
export type SettingKey = keyof SettingsValues
export const settingKeys: readonly SettingKey[] = ['vmFolder', 'isoFolders', 'defaultAccel', 'theme', 'consoleReleaseChord']

/** A partial change: each key's new value, or null for its default. */
export type SettingsChanges = { [K in SettingKey]?: SettingsValues[K] | null }

/** An environment variable that overrides a setting in this process now. */
export interface SettingOverride {
  variable: 'VIREO_HOME' | 'VIREO_ISO_DIRS'
  value: string
}

/** What `getSettings` answers: the file's values, where the file is, and what overrides them. */
export interface SettingsInfo {
  /** The settings file (`$XDG_CONFIG_HOME/vireo/settings.json`); it may not exist yet. */
  file: string
  values: SettingsValues
  /** Settings an environment variable decides right now (the file's value is then unused). */
  overrides: Partial<Record<SettingKey, SettingOverride>>
  /**
   * The VM folder this running Vireo uses. A changed `vmFolder` takes effect at the next start
   * of Vireo (VMs are not moved); until then this differs from `values.vmFolder`.
   */
  vmFolderInUse: string
}

