// Types for electron-builder.config.js (plain JS, read by electron-builder), for its test: the
// parts the test holds it to.
export function electronDist(env?: Record<string, string | undefined>, dir?: string): string | null
declare const config: {
  appId: string
  executableName: string
  asar: boolean
  files: string[]
  electronFuses: Record<string, boolean>
  linux: {
    target: { target: string; arch: string[] }[]
    icon: string
    desktop: { entry: Record<string, string> }
  }
  deb: { packageName: string; depends: string[]; recommends: string[] }
}
export default config
