/**
 * Issue 14's opening and loading figures, each beside its baseline from the same run:
 *
 * - first-load JavaScript (gzip, excluding wasm) that the first screen needs, from the build;
 * - bytes on the wire for a first visit (Accept-Encoding: br, gzip): the page and everything the
 *   service worker precaches, as the host sends them;
 * - cold start → a 5-year pod shown, against a floor page that reads the same pod's plain view
 *   from IndexedDB, parses and renders it (tests/bench/floor.ts);
 * - the live document ready: a fresh repo's `find` from IndexedDB against a bare
 *   `Automerge.load` of the same bytes (tests/bench/load.ts), with and without Tend's load;
 * - offline start: the pod list painted against the Automerge wasm instantiated.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchDevice, waitForServiceWorker } from '../e2e/support/browser.ts'
import { startAs } from '../e2e/support/tend.ts'
import { firstLoadJsGzip } from './firstLoad.ts'
import { boundFigure, ratioFigure, type Figure } from './targets.ts'
import { weeklyPod } from './weeklyPod.ts'

const ROUNDS = 5
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** Bytes a response's body takes on the wire (its Content-Length) with `acceptEncoding`. */
function wireBytes(url: string, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let bytes = 0
      res.on('data', (c: Buffer) => (bytes += c.length))
      res.on('end', () => resolve(bytes))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** What a first visit downloads: the page, the service worker and its whole precache. */
function firstVisitPaths(dist: string): string[] {
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8')
  const precached = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => `/${m[1] ?? ''}`)
  const workbox = [...sw.matchAll(/"\.\/(workbox-[\w-]+?)(?:\.js)?"/g)].map(
    (m) => `/${m[1] ?? ''}.js`,
  )
  return [...new Set(['/', '/sw.js', ...workbox, ...precached.filter((p) => p !== '/index.html')])]
}

async function markTime(page: Page, name: string): Promise<number> {
  await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, {
    timeout: 120_000,
  })
  return page.evaluate((n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN, name)
}

/** Every figure of this section, in the report's form (targets.ts). */
export async function openingFigures(appUrl: string, dist: string): Promise<Figure[]> {
  const figures: Figure[] = []
  const js = firstLoadJsGzip(dist)
  figures.push(
    boundFigure('first-load JavaScript, gzip, excluding wasm', js.bytes / 1024, 'KiB', 200, true),
  )
  console.log(`first screen needs: ${js.files.join(', ')}`)

  const paths = firstVisitPaths(dist)
  let compressed = 0
  let plain = 0
  for (const path of paths) {
    compressed += await wireBytes(`${appUrl}${path}`, 'br, gzip')
    plain += await wireBytes(`${appUrl}${path}`, 'identity')
  }
  figures.push(
    boundFigure('bytes on the wire, first visit (br, gzip)', compressed / 1e6, 'MB', 1.4),
  )
  console.log(
    `first visit: ${paths.length} files, ${(compressed / 1e6).toFixed(2)} MB compressed, ${(plain / 1e6).toFixed(2)} MB as they are`,
  )

  const device = await launchDevice()
  try {
    const page = device.page
    await startAs(page, `${appUrl}/`, 'Bench')
    await waitForServiceWorker(page)
    const { bytes, changes } = weeklyPod(5)
    const file = join(mkdtempSync(join(tmpdir(), 'tend-bench-open-')), '5y.automerge')
    writeFileSync(file, bytes)
    await page.goto(`${appUrl}/#/`)
    await page.getByLabel('Pod file (.tendpod)').setInputFiles(file)
    await page.getByRole('heading', { name: '5-year pod', level: 1 }).waitFor({ timeout: 120_000 })
    const podHash = new URL(page.url()).hash
    const podUrl = `automerge:${podHash.split('/')[2] ?? ''}`
    // The pod's view is cached once it has settled (page.evaluate awaits; waitForFunction
    // would take the pending promise for a yes).
    const cached = () =>
      page.evaluate(async (url) => {
        // Opening a database that does not exist would make an empty one: look first.
        const names = (await indexedDB.databases()).map((d) => d.name)
        if (!names.includes('tend-pod-views')) return false
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('tend-pod-views')
          open.onsuccess = () => resolve(open.result)
          open.onerror = () => reject(open.error)
        })
        if (!db.objectStoreNames.contains('views')) return false
        const found = await new Promise<boolean>((resolve) => {
          const get = db.transaction('views').objectStore('views').get(url)
          get.onsuccess = () => resolve(get.result !== undefined)
          get.onerror = () => resolve(false)
        })
        db.close()
        return found
      }, podUrl)
    for (let i = 0; i < 240 && !(await cached()); i++) await page.waitForTimeout(250)
    if (!(await cached())) throw new Error('the pod’s view was never cached')

    const shown: number[] = []
    const live: number[] = []
    const floor: number[] = []
    const listed: number[] = []
    const wasm: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      await page.goto(`${appUrl}/${podHash}`)
      await page.reload()
      shown.push(await markTime(page, 'tend:pod-rendered'))
      live.push(await markTime(page, 'tend:pod-live'))
      await page.goto(`${appUrl}/tests/bench/floor.html#${encodeURIComponent(podUrl)}`)
      await page.reload()
      floor.push(await markTime(page, 'floor:rendered'))
      await page.goto(`${appUrl}/#/`)
      await page.reload()
      listed.push(await markTime(page, 'tend:pods-listed'))
      wasm.push(await markTime(page, 'tend:wasm-ready'))
    }
    const floorBase = { what: 'the floor page', value: median(floor) }
    figures.push(
      ratioFigure(
        `cold start → 5-year pod shown (${changes} changes)`,
        median(shown),
        'ms',
        floorBase,
        2,
      ),
      ratioFigure(
        'cold start → 5-year pod live (document loaded)',
        median(live),
        'ms',
        floorBase,
        2,
      ),
      ratioFigure(
        'offline start: pod list painted',
        median(listed),
        'ms',
        { what: 'the wasm instantiated', value: median(wasm) },
        1,
      ),
    )

    await page.goto(`${appUrl}/tests/bench/load.html`)
    await page.evaluate(() => window.benchReady)
    const id = await page.evaluate((b) => window.benchStore(b), Array.from(bytes))
    const bare: number[] = []
    const tendFind: number[] = []
    const repoFind: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await page.evaluate((b) => window.benchLoad(b), Array.from(bytes)))
      tendFind.push(await page.evaluate((d) => window.benchFind(d, true), id))
      repoFind.push(await page.evaluate((d) => window.benchFind(d, false), id))
    }
    const loadBase = { what: 'a bare Automerge.load', value: median(bare) }
    figures.push(
      ratioFigure(
        'live document ready: find until ready (Tend)',
        median(tendFind),
        'ms',
        loadBase,
        1.2,
      ),
      ratioFigure(
        'the same with automerge-repo’s own storage load',
        median(repoFind),
        'ms',
        loadBase,
        1.2,
      ),
    )
  } finally {
    await device.destroy()
  }
  return figures
}
