import { register } from 'node:module'

// Test support (not shipped): `node --import ./register-stand-in.mjs out/main/index.js` runs
// the built main process with the stand-in `electron` module (see stand-in-hooks.mjs).
register('./stand-in-hooks.mjs', import.meta.url)
