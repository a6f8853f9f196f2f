/**
 * Chromium for the browser tests: Debian's package at /usr/bin/chromium, driven by
 * playwright-core. Never downloads a browser. Each member gets a persistent context (its own
 * profile folder), as a real device has its own IndexedDB and service worker.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Device {
  context: BrowserContext
  page: Page
  profileDir: string
  /** Closes the browser, keeping the profile (the device "goes away" and can come back). */
  close(): Promise<void>
  /** Closes the browser and deletes the profile. */
  destroy(): Promise<void>
}

export async function launchDevice(
  options: {
    profileDir?: string
    executablePath?: string
    extraArgs?: string[]
    /** The device's time zone (a fixed one for tests that read dates). */
    timezoneId?: string
    /** 'block' keeps the service worker out, so `page.route` sees every request of the app. */
    serviceWorkers?: 'allow' | 'block'
  } = {},
): Promise<Device> {
  const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'tend-profile-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: options.executablePath ?? CHROMIUM,
    args: [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])],
    headless: true,
    viewport: { width: 412, height: 915 },
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
    ...(options.serviceWorkers === undefined ? {} : { serviceWorkers: options.serviceWorkers }),
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`))
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await context.close()
  }
  return {
    context,
    page,
    profileDir,
    close,
    async destroy() {
      await close()
      rmSync(profileDir, { recursive: true, force: true })
    },
  }
}

/** Waits until a service worker controls the page (reloading once if needed). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload()
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 20_000,
    })
  }
}
