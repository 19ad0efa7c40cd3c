import type { WebFrameMain } from 'electron'
import { APP_SCHEME } from './window-options'

// Who may talk to the main process, decided from what Electron reports, in one pure place: the
// IPC bridge, the file chooser, the navigation guard and the permission handlers all ask here.

/** What Electron reports for a frame (`WebFrameMain`): its origin, its URL, and whether it is the top frame. */
export interface FrameFacts {
  /** `frame.origin`: Chromium's serialisation, `app://vireo` for our standard scheme, `null` when opaque. */
  origin: string
  /** `frame.url`: the document's URL; empty for an about:blank window. */
  url: string
  /** `frame.parent === null` */
  top: boolean
}

/** The one page we trust: where the window loads the UI from (see `rendererLocation`). */
export interface TrustedRenderer {
  origin: string
}

/**
 * The origin of a URL of the kinds we load (`app:` and http(s)), or null for anything else.
 * Node's `URL.origin` is `"null"` for every non-special scheme (app: among them), so ours is
 * made from the scheme and host. A URL with userinfo has no trusted origin at all.
 */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null
  const parsed = new URL(url)
  if (parsed.username !== '' || parsed.password !== '') return null
  if (parsed.protocol === `${APP_SCHEME}:`) {
    return parsed.host === '' ? null : `${parsed.protocol}//${parsed.host}`
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin
  return null
}

/** Whether a URL is on our renderer's origin (a navigation target, a permission's requester). */
export function isOwnUrl(url: string, renderer: TrustedRenderer): boolean {
  return originOf(url) === renderer.origin
}

/**
 * Whether a frame is our own page: the top frame, whose reported origin and whose URL are both
 * our renderer's origin. Subframes, opaque origins (`"null"`: sandboxed or data: documents, or a
 * scheme not registered as standard), about:blank, file:// and other hosts are not.
 */
export function isTrustedFrame(frame: FrameFacts | null, renderer: TrustedRenderer): boolean {
  if (frame === null || !frame.top) return false
  return frame.origin === renderer.origin && isOwnUrl(frame.url, renderer)
}

/** The one permission our page gets: fullscreen (the console's full-screen button), in its top frame. */
export function isPermissionGranted(
  permission: string,
  requester: { url: string; isMainFrame: boolean },
  renderer: TrustedRenderer,
): boolean {
  return permission === 'fullscreen' && requester.isMainFrame && isOwnUrl(requester.url, renderer)
}

/**
 * The facts of an IPC sender's frame, as Electron reports them; none for a frame that is gone
 * (Electron throws when a disposed frame is read) or detached from its page.
 */
export function senderFrameFacts(frame: WebFrameMain | null): FrameFacts | null {
  try {
    if (frame === null || frame.detached) return null
    return { origin: frame.origin, url: frame.url, top: frame.parent === null }
  } catch {
    return null
  }
}

/** Electron's permission handlers (request and check), granting what `isPermissionGranted` grants. */
export function permissionHandlers(renderer: TrustedRenderer) {
  return {
    request(
      _contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl: string; isMainFrame: boolean },
    ): void {
      const requester = { url: details.requestingUrl, isMainFrame: details.isMainFrame }
      callback(isPermissionGranted(permission, requester, renderer))
    },
    check(
      _contents: unknown,
      permission: string,
      requestingOrigin: string,
      details: { isMainFrame: boolean },
    ): boolean {
      return isPermissionGranted(
        permission,
        { url: requestingOrigin, isMainFrame: details.isMainFrame },
        renderer,
      )
    },
  }
}
