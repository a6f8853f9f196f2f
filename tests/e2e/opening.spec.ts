import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, memberNames, memberRow, startAs } from './support/tend.ts'

// Opening before Automerge is ready: the pod shows from the view this device cached, marked as
// opening, and the live document takes over. The wasm is held back by the test (the service
// worker is blocked so every request passes `page.route`) until the test lets it through.

/** The cached view of a pod, as the page's IndexedDB holds it. */
function cachedMembers(page: Page, url: string): Promise<string[] | null> {
  return page.evaluate(async (podUrl) => {
    // Opening a database that does not exist would make an empty one: look first.
    const names = (await indexedDB.databases()).map((d) => d.name)
    if (!names.includes('tend-pod-views')) return null
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('tend-pod-views')
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    try {
      if (!db.objectStoreNames.contains('views')) return null
      const entry = await new Promise<unknown>((resolve, reject) => {
        const get = db.transaction('views').objectStore('views').get(podUrl)
        get.onsuccess = () => resolve(get.result)
        get.onerror = () => reject(get.error)
      })
      const members = (entry as { view?: { members?: Record<string, { name: string }> } } | null)
        ?.view?.members
      return members === undefined ? null : Object.values(members).map((m) => m.name)
    } finally {
      db.close()
    }
  }, url)
}

/** Writes a cached view by hand (a copy older than the document, as after a crash). */
function writeCachedView(page: Page, url: string, rename: string): Promise<void> {
  return page.evaluate(
    async ({ podUrl, name }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('tend-pod-views')
        open.onsuccess = () => resolve(open.result)
        open.onerror = () => reject(open.error)
      })
      const store = () => db.transaction('views', 'readwrite').objectStore('views')
      const entry = await new Promise<{ heads: string[]; view: { pod: { name: string } } }>(
        (resolve, reject) => {
          const get = store().get(podUrl)
          get.onsuccess = () => resolve(get.result)
          get.onerror = () => reject(get.error)
        },
      )
      entry.view.pod.name = name
      entry.heads = ['stale']
      await new Promise<void>((resolve, reject) => {
        const put = store().put(entry, podUrl)
        put.onsuccess = () => resolve()
        put.onerror = () => reject(put.error)
      })
      db.close()
    },
    { podUrl: url, name: rename },
  )
}

/** Holds every request for Automerge's wasm until `release` is called. */
async function holdWasm(page: Page): Promise<{ release: () => void; stop: () => Promise<void> }> {
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  const handler = async (route: Parameters<Parameters<Page['route']>[1]>[0]) => {
    await released
    await route.continue()
  }
  await page.route('**/*.wasm', handler)
  return { release, stop: () => page.unroute('**/*.wasm', handler) }
}

const podUrlOf = (pageUrl: string) => `automerge:${new URL(pageUrl).hash.split('/')[2] ?? ''}`

describe('opening a pod before its document is ready', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let device: Device

  beforeAll(async () => {
    host = await startTestHost()
    device = await launchDevice({ serviceWorkers: 'block' })
  })
  afterAll(async () => {
    await device?.destroy()
    await host?.close()
  })

  it('shows the cached view while opening, then the live document, and keeps an edit made meanwhile', async () => {
    const { page } = device
    await startAs(page, `${host.url}/`, 'Amara')
    const podPage = await createPod(page, { name: 'Thursday circle', purpose: 'Craft' })
    await addMember(page, 'Bo', 'Newer')
    const url = podUrlOf(podPage)
    // The view is cached once the document has settled.
    await expect.poll(() => cachedMembers(page, url)).toEqual(expect.arrayContaining(['Bo']))

    const wasm = await holdWasm(page)
    await page.reload()
    // Painted from the cache, before Automerge could run: marked as opening.
    await page.getByRole('heading', { name: 'Thursday circle', level: 1 }).waitFor()
    await expect.poll(() => page.getByTestId('pod-opening').isVisible()).toBe(true)
    expect((await memberNames(page)).sort()).toEqual(['Amara', 'Bo'])
    expect(await page.evaluate(() => performance.getEntriesByName('tend:wasm-ready').length)).toBe(
      0,
    )

    // An edit while it opens waits for the document, and is not lost.
    const form = page.getByRole('region', { name: 'Add a member' })
    await form.getByLabel('Name').fill('Cy')
    await form.getByLabel('Practising').check()
    await form.getByRole('button', { name: 'Add member' }).click()
    expect(await page.getByTestId('pod-opening').isVisible()).toBe(true)

    wasm.release()
    await memberRow(page, 'Cy').waitFor()
    await expect.poll(() => page.getByTestId('pod-opening').count()).toBe(0)
    expect((await memberNames(page)).sort()).toEqual(['Amara', 'Bo', 'Cy'])
    await wasm.stop()

    // Stored, and cached for the next start.
    await expect.poll(() => cachedMembers(page, url)).toEqual(expect.arrayContaining(['Cy']))
    await page.reload()
    await memberRow(page, 'Cy').waitFor()
    expect((await memberNames(page)).sort()).toEqual(['Amara', 'Bo', 'Cy'])
  })

  it('never shows a cached view older than the document as current', async () => {
    const { page } = device
    await page.goto(`${host.url}/#/`)
    await page.getByRole('link', { name: /Thursday circle/ }).click()
    await page.getByRole('heading', { name: 'Thursday circle', level: 1 }).waitFor()
    const url = podUrlOf(page.url())
    // The cache says something the document no longer does (as if a merge came after it).
    await writeCachedView(page, url, 'An old name')

    const wasm = await holdWasm(page)
    await page.reload()
    await page.getByRole('heading', { name: 'An old name', level: 1 }).waitFor()
    expect(await page.getByTestId('pod-opening').isVisible()).toBe(true)
    wasm.release()
    await page.getByRole('heading', { name: 'Thursday circle', level: 1 }).waitFor()
    await expect.poll(() => page.getByTestId('pod-opening').count()).toBe(0)
    expect(await page.getByText('An old name').count()).toBe(0)
    await wasm.stop()
    // The pod list kept the document's name, never the copy's.
    await page.goto(`${host.url}/#/`)
    await page.getByRole('link', { name: /Thursday circle/ }).waitFor()
    expect(await page.getByText('An old name').count()).toBe(0)
  })
})
