import { describe, expect, it } from 'vitest'
import {
  isOwnUrl,
  isPermissionGranted,
  isTrustedFrame,
  originOf,
  type FrameFacts,
} from './frame-trust'
import { rendererLocation } from './window-options'

// The shapes are what Electron reports for WebFrameMain: `origin` is Chromium's serialisation
// (RFC 6454), a tuple `app://vireo` for a scheme registered as standard, `"null"` for an
// opaque one (a sandboxed or data: document, a custom scheme that is not standard, as in
// electron/electron#21675 and #40663); `url` is empty for an about:blank window.
const bundled = rendererLocation({}, false)
const dev = rendererLocation({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, false)
const packagedWithDevUrl = rendererLocation(
  { ELECTRON_RENDERER_URL: 'http://localhost:5173/' },
  true,
)

const top = (url: string, origin: string): FrameFacts => ({ url, origin, top: true })
const ourPage = top('app://vireo/index.html', 'app://vireo')

describe('which frame may talk to the main process', () => {
  it("trusts our bundled page on app://vireo/, although Node's URL calls its origin null", () => {
    expect(new URL('app://vireo/index.html').origin).toBe('null')
    expect(isTrustedFrame(ourPage, bundled)).toBe(true)
    expect(isTrustedFrame(top('app://vireo/', 'app://vireo'), bundled)).toBe(true)
    expect(isTrustedFrame(top('app://vireo/index.html#/vm/abc?x=1', 'app://vireo'), bundled)).toBe(
      true,
    )
  })

  it('trusts the loopback dev server only in an unpackaged dev run', () => {
    const devPage = top('http://localhost:5173/', 'http://localhost:5173')
    expect(isTrustedFrame(devPage, dev)).toBe(true)
    expect(isTrustedFrame(devPage, bundled)).toBe(false)
    expect(isTrustedFrame(devPage, packagedWithDevUrl)).toBe(false)
    // and in a dev run the bundled page is not the one loaded, so not trusted either
    expect(isTrustedFrame(ourPage, dev)).toBe(false)
    expect(isTrustedFrame(top('http://localhost:5174/', 'http://localhost:5174'), dev)).toBe(false)
    expect(isTrustedFrame(top('https://localhost:5173/', 'https://localhost:5173'), dev)).toBe(
      false,
    )
  })

  it('refuses a frame whose origin is opaque ("null"), even on our URL', () => {
    expect(isTrustedFrame(top('app://vireo/index.html', 'null'), bundled)).toBe(false)
    expect(isTrustedFrame(top('data:text/html,<p>hi', 'null'), bundled)).toBe(false)
  })

  it('refuses a subframe, even one of our own page', () => {
    expect(isTrustedFrame({ ...ourPage, top: false }, bundled)).toBe(false)
    expect(
      isTrustedFrame(
        { url: 'https://evil.example/', origin: 'https://evil.example', top: false },
        bundled,
      ),
    ).toBe(false)
  })

  it('refuses a missing frame, about:blank, file:// and foreign pages', () => {
    expect(isTrustedFrame(null, bundled)).toBe(false)
    // a window opened to about:blank reports its opener's origin and an empty URL
    expect(isTrustedFrame(top('', 'app://vireo'), bundled)).toBe(false)
    expect(isTrustedFrame(top('about:blank', 'app://vireo'), bundled)).toBe(false)
    expect(isTrustedFrame(top('about:blank', 'null'), bundled)).toBe(false)
    expect(isTrustedFrame(top('file:///work/out/renderer/index.html', 'file://'), bundled)).toBe(
      false,
    )
    expect(isTrustedFrame(top('file:///work/out/renderer/index.html', 'null'), bundled)).toBe(false)
    expect(isTrustedFrame(top('https://evil.example/', 'https://evil.example'), bundled)).toBe(
      false,
    )
    expect(isTrustedFrame(top('https://evil.example/', 'app://vireo'), bundled)).toBe(false)
  })

  it('refuses other app:// hosts, ports and userinfo tricks', () => {
    const shapes: [string, string][] = [
      ['app://other/index.html', 'app://other'],
      ['app://vireo.evil/index.html', 'app://vireo.evil'],
      ['app://evil.vireo/index.html', 'app://evil.vireo'],
      ['app://vireo:8080/index.html', 'app://vireo:8080'],
      ['app://vireo@evil.example/index.html', 'app://evil.example'],
      ['app://vireo@evil.example/index.html', 'app://vireo'],
      ['app://user:pw@vireo/index.html', 'app://vireo'],
      ['https://vireo@evil.example/', 'https://evil.example'],
      ['app:///index.html', 'app://vireo'],
      ['app:vireo/index.html', 'app://vireo'],
      ['apps://vireo/index.html', 'apps://vireo'],
      ['not a url', 'app://vireo'],
    ]
    for (const [url, origin] of shapes) {
      expect(isTrustedFrame(top(url, origin), bundled), `${url} (${origin})`).toBe(false)
    }
  })
})

describe('our own URLs', () => {
  it('makes the origin of app: URLs from scheme and host, as Chromium does for a standard scheme', () => {
    expect(originOf('app://vireo/index.html')).toBe('app://vireo')
    expect(originOf('app://vireo')).toBe('app://vireo')
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173')
    expect(originOf('app://u@vireo/')).toBeNull()
    expect(originOf('file:///etc/passwd')).toBeNull()
    expect(originOf('javascript:alert(1)')).toBeNull()
  })

  it('keeps navigation on our origin only', () => {
    expect(isOwnUrl('app://vireo/index.html', bundled)).toBe(true)
    expect(isOwnUrl('app://vireo.evil/index.html', bundled)).toBe(false)
    expect(isOwnUrl('https://example.com/', bundled)).toBe(false)
    expect(isOwnUrl('file:///etc/passwd', bundled)).toBe(false)
  })
})

describe('permissions', () => {
  const main = (url: string) => ({ url, isMainFrame: true })

  it('grants exactly fullscreen, to our own page in its top frame', () => {
    expect(isPermissionGranted('fullscreen', main('app://vireo/index.html'), bundled)).toBe(true)
    // the check handler is given an origin, with or without the trailing slash
    expect(isPermissionGranted('fullscreen', main('app://vireo'), bundled)).toBe(true)
    expect(isPermissionGranted('fullscreen', main('app://vireo/'), bundled)).toBe(true)
  })

  it('denies every other permission, and fullscreen to anyone else', () => {
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'pointerLock',
      'fileSystem',
      'unknown',
    ]) {
      expect(
        isPermissionGranted(permission, main('app://vireo/index.html'), bundled),
        permission,
      ).toBe(false)
    }
    expect(
      isPermissionGranted(
        'fullscreen',
        { url: 'app://vireo/index.html', isMainFrame: false },
        bundled,
      ),
    ).toBe(false)
    expect(isPermissionGranted('fullscreen', main('https://evil.example/'), bundled)).toBe(false)
    expect(isPermissionGranted('fullscreen', main('app://other/'), bundled)).toBe(false)
    expect(isPermissionGranted('fullscreen', main(''), bundled)).toBe(false)
  })
})
