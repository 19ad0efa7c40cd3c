import { describe, expect, it } from 'vitest'
import { staticFilePath } from './static-file'

describe('staticFilePath', () => {
  it('names index.html for `/` and a file below the root for its path', () => {
    expect(staticFilePath('/srv/app', '/')).toBe('/srv/app/index.html')
    expect(staticFilePath('/srv/app', '/assets/a.js')).toBe('/srv/app/assets/a.js')
  })

  it('names nothing outside the root, nor a path with a NUL', () => {
    expect(staticFilePath('/srv/app', '/../etc/passwd')).toBe('/srv/app/etc/passwd')
    expect(staticFilePath('/srv/app', '/a/../../..')).toBeNull()
    expect(staticFilePath('/srv/app', '/..')).toBeNull()
    expect(staticFilePath('/srv/app', '/index.html\0.png')).toBeNull()
  })
})
