import { chromium } from '@playwright/test'
import type { WebHostProcess } from './web'

export interface Painted {
  /** Frames noVNC painted onto the console's canvas, per second. */
  fps: number
  /** The painted area per second, in whole screens of the framebuffer. */
  screensPerSecond: number
}

/**
 * Runs in the page before its scripts: counts noVNC's paints, i.e. each `flip()` of its
 * back buffer onto the canvas on screen (`drawImage` from a detached canvas onto one in the
 * document), with the time and the area painted.
 */
function paintProbe(): void {
  const paints: [number, number][] = []
  ;(window as unknown as { __benchPaints: [number, number][] }).__benchPaints = paints
  const drawImage = CanvasRenderingContext2D.prototype.drawImage as (this: CanvasRenderingContext2D, ...args: unknown[]) => void
  CanvasRenderingContext2D.prototype.drawImage = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
    const [source, , , w, h] = args
    if (source instanceof HTMLCanvasElement && !source.isConnected && this.canvas.isConnected && args.length === 9) {
      paints.push([performance.now(), Number(w) * Number(h)])
    }
    drawImage.apply(this, args)
  } as typeof CanvasRenderingContext2D.prototype.drawImage
}

/**
 * Frames painted by noVNC itself: the web UI's console screen for `vmId` in Debian's Chromium
 * (headless), while `draw` makes the guest redraw its screen; counted over `windowMs`.
 */
export async function noVncPaintedFps(
  host: WebHostProcess,
  vmId: string,
  screen: { width: number; height: number },
  windowMs: number,
  draw: () => Promise<void>,
): Promise<Painted> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1100 } })
    const page = await context.newPage()
    await page.addInitScript(paintProbe)
    await page.goto(`${host.origin}/?token=${host.token}#/vm/${vmId}/console`)
    await page.locator('canvas').first().waitFor({ state: 'visible', timeout: 60_000 })
    // Connected and the first screen painted.
    await page.waitForFunction(() => ((window as unknown as { __benchPaints: unknown[] }).__benchPaints ?? []).length > 0, null, { timeout: 60_000 })
    await draw()
    const from = await page.evaluate(() => performance.now())
    await page.waitForTimeout(windowMs)
    const paints = await page.evaluate(
      ([t0, ms]) => (window as unknown as { __benchPaints: [number, number][] }).__benchPaints.filter(([t]) => t >= t0! && t <= t0! + ms!),
      [from, windowMs],
    )
    const seconds = windowMs / 1000
    const area = paints.reduce((n, [, a]) => n + a, 0)
    return { fps: paints.length / seconds, screensPerSecond: area / (screen.width * screen.height) / seconds }
  } finally {
    await browser.close()
  }
}
