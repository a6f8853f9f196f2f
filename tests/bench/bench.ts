/**
 * `npm run bench`: Tend's figures, as ratios within one run (never as test assertions).
 *
 * 1. Opening a pod from IndexedDB in Chromium to first render, against a bare Automerge.load
 *    of the same bytes in the same browser, for pods of 1, 3 and 5 years of weekly history
 *    (12 members; generated with the domain commands).
 * 2. The mesh (meshSpeed.ts): frames per edit at 6 and 12 members, and bytes sent to catch up
 *    after 1 + 1, 5 + 5 and a week (300 + 300) of changes apart, against the changes missing.
 * 3. The time for one edit to reach every member of a 6-member mesh (real WebRTC in Chromium).
 * 4. Typing in circle notes with peers connected and typing (tests/bench/typing.ts).
 *
 * Run inside a private network namespace as root (the command does it), on the build in
 * $TEND_BENCH_DIST (built with TEND_BENCH=1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startHost } from '../../src/signal/server.ts'
import { launchDevice, type Device } from '../e2e/support/browser.ts'
import { addMember as addMemberInUi, createPod, memberRow, startAs } from '../e2e/support/tend.ts'
import { makeInvite } from '../e2e/support/sync.ts'
import type { Page } from 'playwright-core'
import { meshFigures } from './meshSpeed.ts'
import { weeklyPod } from './weeklyPod.ts'
import { openingFigures } from './opening.ts'
import { saveFigures, targetTable } from './targets.ts'
import { benchTyping } from './typing.ts'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const fmt = (ms: number) => `${ms.toFixed(1)} ms`

// ---------------------------------------------------------------------------------------------
// 1. Opening a pod

async function benchOpening(appUrl: string): Promise<string[]> {
  const device = await launchDevice()
  const lines: string[] = []
  try {
    const page = device.page
    await startAs(page, `${appUrl}/`, 'Bench')
    const dir = mkdtempSync(join(tmpdir(), 'tend-bench-'))
    lines.push(
      '| history | changes | file size | cold start to pod shown | open from the pod list | bare `Automerge.load` | open ÷ load |',
    )
    lines.push('|---|---:|---:|---:|---:|---:|---:|')
    for (const years of [1, 3, 5]) {
      const { bytes, changes } = weeklyPod(years)
      const file = join(dir, `${years}y.automerge`)
      writeFileSync(file, bytes)
      await page.goto(`${appUrl}/#/`)
      await page.getByLabel('Pod file (.tendpod)').setInputFiles(file)
      await page
        .getByRole('heading', { name: `${years}-year pod`, level: 1 })
        .waitFor({ timeout: 120_000 })
      const podHash = new URL(page.url()).hash
      const cold: number[] = []
      const warm: number[] = []
      for (let i = 0; i < 5; i++) {
        await page.goto(`${appUrl}/${podHash}`)
        await page.reload()
        await page.waitForFunction(
          () => performance.getEntriesByName('tend:pod-rendered').length > 0,
          undefined,
          { timeout: 120_000 },
        )
        cold.push(
          await page.evaluate(
            () => performance.getEntriesByName('tend:pod-rendered')[0]?.startTime ?? NaN,
          ),
        )
        await page.goto(`${appUrl}/#/`)
        await page.reload()
        await page.getByRole('heading', { name: 'Your pods' }).waitFor()
        const t0 = await page.evaluate((hash) => {
          performance.clearMarks('tend:pod-rendered')
          const at = performance.now()
          location.hash = hash
          return at
        }, podHash)
        await page.waitForFunction(
          () => performance.getEntriesByName('tend:pod-rendered').length > 0,
          undefined,
          { timeout: 120_000 },
        )
        warm.push(
          (await page.evaluate(
            () => performance.getEntriesByName('tend:pod-rendered')[0]?.startTime ?? NaN,
          )) - t0,
        )
      }
      await page.goto(`${appUrl}/tests/bench/load.html`)
      await page.evaluate(() => window.benchReady)
      const bare: number[] = []
      for (let i = 0; i < 5; i++)
        bare.push(await page.evaluate((b) => window.benchLoad(b), Array.from(bytes)))
      lines.push(
        `| ${years} year${years > 1 ? 's' : ''} | ${changes} | ${(bytes.length / 1024).toFixed(0)} KiB | ${fmt(median(cold))} | ${fmt(median(warm))} | ${fmt(median(bare))} | ${(median(warm) / median(bare)).toFixed(2)} |`,
      )
      console.log(lines.at(-1))
    }
  } finally {
    await device.destroy()
  }
  return lines
}

// ---------------------------------------------------------------------------------------------
// 2. Catching up: in meshSpeed.ts (1 + 1, 5 + 5 and a week apart, 300 + 300)

async function waitConnected(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const text = document.querySelector('[data-testid=connected-with]')?.textContent ?? ''
      const got = /^Connected with (.*)\.$/.exec(text)?.[1]?.split(', ').sort().join('|') ?? ''
      return got === want
    },
    [...names].sort().join('|'),
    { timeout: 120_000, polling: 250 },
  )
}

async function joinAs(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link)
  await page.getByLabel('Your name, as your pod will see it').fill(name)
  await page.getByRole('button', { name: 'Join the pod' }).click()
  await memberRow(page, name).waitFor({ timeout: 120_000 })
}

async function benchMesh(appUrl: string): Promise<string[]> {
  const devices: Device[] = []
  try {
    for (let i = 0; i < 6; i++) devices.push(await launchDevice())
    const [first, ...rest] = devices as [Device, ...Device[]]
    await startAs(first.page, `${appUrl}/`, 'Member 0')
    await createPod(first.page, { name: 'Mesh of six', kind: /^Learning pod/ })
    for (const [i, d] of rest.entries())
      await joinAs(d.page, await makeInvite(first.page), `Member ${i + 1}`)
    const names = devices.map((_, i) => `Member ${i}`)
    for (const [i, d] of devices.entries())
      await waitConnected(
        d.page,
        names.filter((_, j) => j !== i),
      )
    const reach: number[] = []
    for (let edit = 0; edit < 5; edit++) {
      const author = devices[edit % 6] as Device
      const name = `Edit ${edit}`
      const seen = devices.map((d) =>
        d.page.waitForFunction(
          (n) =>
            [...document.querySelectorAll('.member-name')].some((e) => e.textContent === n) &&
            Date.now(),
          name,
          { timeout: 60_000, polling: 5 },
        ),
      )
      const before = Date.now()
      await addMemberInUi(author.page, name, 'Newer')
      const times = await Promise.all(
        seen.map(async (s) => (await (await s).jsonValue()) as number),
      )
      reach.push(Math.max(...times) - before)
      await memberRow(author.page, name).waitFor()
    }
    return [
      `| edits | median time until all 6 show it | slowest |`,
      `|---:|---:|---:|`,
      `| ${reach.length} | ${fmt(median(reach))} | ${fmt(Math.max(...reach))} |`,
    ]
  } finally {
    await Promise.all(devices.map((d) => d.destroy()))
  }
}

const dist = process.env['TEND_BENCH_DIST'] ?? 'dist'
const host = await startHost({ port: 0, host: '127.0.0.1', staticDir: dist })
try {
  // Issue 14's opening and loading figures; TEND_BENCH_ONLY=opening runs only these.
  console.log('\n## Opening and loading (issue 14)\n')
  const openingTargets = await openingFigures(host.url, dist)
  targetTable(openingTargets).forEach((l) => console.log(l))
  saveFigures('build/bench/opening.json', openingTargets)
  if (process.env['TEND_BENCH_ONLY'] === 'opening') process.exit(0)
  console.log('\n## Opening a pod (Chromium, IndexedDB → first render)\n')
  const opening = await benchOpening(host.url)
  console.log('\n## One edit across a 6-member mesh (Chromium, WebRTC)\n')
  const mesh = await benchMesh(host.url)
  mesh.forEach((l) => console.log(l))
  console.log('\n## The mesh: frames per edit, catch-up bytes (in-memory rooms)\n')
  targetTable(await meshFigures()).forEach((l) => console.log(l))
  console.log('\n## Typing in circle notes (Chromium, Event Timing)\n')
  const typing = await benchTyping(host.url)
  targetTable(typing.figures).forEach((l) => console.log(l))
  typing.lines.forEach((l) => console.log(l))
  saveFigures('build/bench/typing.json', typing.figures)
  console.log('\n---\nThe opening and mesh tables, for the README:\n')
  console.log([...opening, '', ...mesh].join('\n'))
} finally {
  await host.close()
}
