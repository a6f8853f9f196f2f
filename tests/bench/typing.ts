/**
 * Typing in circle notes: keystroke → next paint (Event Timing), p95, for the author alone, with
 * peers connected, and with peers connected and typing; beside a bare <textarea> in the same
 * browser. Real Chromium devices joined by invite over the real mesh (WebRTC), as members are.
 *
 * Event Timing reports only events of 16 ms or more (its floor): a keystroke it does not report
 * was painted within 16 ms and counts as 0 here, so a p95 of 0 means "under 16 ms".
 *
 * TEND_TYPING_DEVICES sets how many devices (default 6: the author and 5 peers, 4 of them
 * typing). TEND_TYPING_PROFILE=file.cpuprofile keeps a CPU profile of the author's page while
 * peers type and prints the functions that took the most time.
 */
import { writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from '../e2e/support/browser.ts'
import { createPod, memberRow, startAs } from '../e2e/support/tend.ts'
import { makeInvite } from '../e2e/support/sync.ts'
import type { Figure } from './targets.ts'

const CHARS = 200
const KEY_DELAY_MS = 40
const TEXT = 'We talked about holding a disagreement without rushing to fix it; '
const typed = (n: number) => TEXT.repeat(Math.ceil(n / TEXT.length)).slice(0, n)

/** Starts collecting key events' durations (Event Timing) in the page. */
async function observeKeys(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __keys: Map<number, number>
      __keysObserver?: PerformanceObserver
    }
    w.__keysObserver?.disconnect()
    w.__keys = new Map()
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEventTiming & {
        interactionId: number
      })[]) {
        if (!e.name.startsWith('key') || e.interactionId === 0) continue
        w.__keys.set(e.interactionId, Math.max(w.__keys.get(e.interactionId) ?? 0, e.duration))
      }
    })
    observer.observe({
      type: 'event',
      durationThreshold: 16,
      buffered: true,
    } as PerformanceObserverInit)
    w.__keysObserver = observer
  })
}

/** The p95 of keystroke → next paint over `count` keystrokes (unreported ones count as 0). */
async function keysP95(page: Page, count: number): Promise<{ p95: number; slow: number }> {
  // Entries are delivered after the paint: wait until the page has painted twice more.
  await page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  )
  await page.waitForTimeout(0)
  const reported = await page.evaluate(() => {
    const w = window as unknown as { __keys: Map<number, number> }
    return [...w.__keys.values()]
  })
  const all = [...reported, ...Array<number>(Math.max(0, count - reported.length)).fill(0)].sort(
    (a, b) => a - b,
  )
  return { p95: all[Math.ceil(all.length * 0.95) - 1] ?? NaN, slow: reported.length }
}

async function typeInNotes(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Circle notes' })
  await editor.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Enter')
  await page.keyboard.type(text, { delay: KEY_DELAY_MS })
}

/** Waits until the author's notes say every peer is in them too (presence over the mesh). */
async function waitInNotes(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const text = document.querySelector('[data-testid=notes-presence]')?.textContent ?? ''
      const got = /^Also in the notes: (.*)\.$/.exec(text)?.[1]?.split(', ').sort().join('|') ?? ''
      return got === want
    },
    [...names].sort().join('|'),
    { timeout: 180_000, polling: 250 },
  )
}

async function joinAs(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link)
  await page.getByLabel('Your name, as your pod will see it').fill(name)
  await page.getByRole('button', { name: 'Join the pod' }).click()
  await memberRow(page, name).waitFor({ timeout: 120_000 })
}

/** The functions with the most self time in a CPU profile, as lines. */
function topSelfTime(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples?: number[]
  timeDeltas?: number[]
}): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  profile.samples?.forEach((id, i) => {
    const f = byId.get(id)?.callFrame
    if (f === undefined) return
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000)
  })
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(
      ([k, ms]) =>
        `${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`,
    )
}

export async function benchTyping(appUrl: string): Promise<{ figures: Figure[]; lines: string[] }> {
  const count = Number(process.env['TEND_TYPING_DEVICES'] ?? 6)
  const typists = Math.min(4, count - 1)
  const devices: Device[] = []
  const lines: string[] = []
  try {
    for (let i = 0; i < count; i++) devices.push(await launchDevice())
    const [author, ...peers] = devices as [Device, ...Device[]]
    const page = author.page

    // Baseline: a bare <textarea> in the same browser.
    await page.setContent('<textarea aria-label="bare" rows="10" cols="40"></textarea>')
    await observeKeys(page)
    await page.getByLabel('bare').click()
    await page.keyboard.type(typed(CHARS), { delay: KEY_DELAY_MS })
    const bare = await keysP95(page, CHARS)

    await startAs(page, `${appUrl}/`, 'Member 0')
    await createPod(page, { name: 'Typing pod', kind: /^Learning pod/ })
    const podUrl = page.url()
    for (const [i, d] of peers.entries()) {
      await joinAs(d.page, await makeInvite(page), `Member ${i + 1}`)
    }
    await page.goto(podUrl)
    await page.getByRole('button', { name: 'Start a circle now' }).click()
    await page.getByRole('textbox', { name: 'Circle notes' }).waitFor({ timeout: 60_000 })
    const circleUrl = page.url()

    // Alone: the peers joined already, but their pages are closed (a blank page each).
    await Promise.all(peers.map((d) => d.page.goto('about:blank')))
    await observeKeys(page)
    await typeInNotes(page, typed(CHARS))
    const alone = await keysP95(page, CHARS + 1)

    // Peers connected, all in the notes, idle.
    await Promise.all(peers.map((d) => d.page.goto(circleUrl)))
    const names = devices.map((_, i) => `Member ${i}`)
    for (const d of peers)
      await d.page.getByRole('textbox', { name: 'Circle notes' }).waitFor({ timeout: 180_000 })
    await waitInNotes(
      page,
      names.filter((n) => n !== 'Member 0'),
    )
    await observeKeys(page)
    await typeInNotes(page, typed(CHARS))
    const connected = await keysP95(page, CHARS + 1)

    // Peers connected and some typing at the same time as the author.
    const cdp = process.env['TEND_TYPING_PROFILE'] ? await page.context().newCDPSession(page) : null
    if (cdp !== null) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    await observeKeys(page)
    await Promise.all([
      typeInNotes(page, typed(CHARS)),
      ...peers
        .slice(0, typists)
        .map((d, i) => typeInNotes(d.page, `Peer ${i + 1}: ${typed(CHARS + 40)}`)),
    ])
    const typing = await keysP95(page, CHARS + 1)
    if (cdp !== null) {
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync(process.env['TEND_TYPING_PROFILE'] as string, JSON.stringify(profile))
      console.log(`\nCPU profile of the author while ${typists} peers type (self time):`)
      topSelfTime(profile).forEach((l) => console.log(l))
    }
    // Every device ends with every line: the figures are of a working pod.
    const want = (await page.locator('.notes-editor .cm-line').allTextContents()).length
    lines.push(`(${count} devices; ${typists} peers typing; ${want} lines in the notes at the end)`)

    const baseline = { what: 'a bare <textarea>, same browser', value: bare.p95 }
    const figure = (what: string, r: { p95: number; slow: number }): Figure => ({
      what: `${what} (${r.slow} of ${CHARS} keys ≥ 16 ms)`,
      value: r.p95,
      unit: 'ms',
      baseline,
      target: '< 16 ms',
      met: Number.isFinite(r.p95) ? r.p95 < 16 : null,
    })
    const figures = [
      figure('typing in circle notes, keystroke → paint p95, alone', alone),
      figure(`… with ${count - 1} peers connected`, connected),
      figure(`… with ${count - 1} peers connected, ${typists} typing`, typing),
    ]
    lines.push(`bare <textarea>: p95 ${bare.p95} ms (${bare.slow} of ${CHARS} keys ≥ 16 ms)`)
    return { figures, lines }
  } finally {
    await Promise.all(devices.map((d) => d.destroy().catch(() => undefined)))
  }
}
