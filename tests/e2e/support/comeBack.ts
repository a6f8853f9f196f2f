/**
 * The come-back scenario, shared by the local-network lane (tests/lan) and the homes lane
 * (tests/homes): three members in a circle with the notes open; Bo and Cy lose the network for
 * real for different times while everyone types, three times over; after each return every
 * member has every line and every member reaches every other again, with no reload.
 */
import { appendFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import type { Device } from './browser.ts'
import { bringBack, cutOff, type MemberLink } from './networkCut.ts'
import { addNotesLine, notesLines } from './notes.ts'

/** What each member's circle screen says once it is connected to both others. */
export const FULL_MESH = {
  Amara: /^● In sync with (Bo, Cy|Cy, Bo)\.$/,
  Bo: /^● In sync with (Amara, Cy|Cy, Amara)\.$/,
  Cy: /^● In sync with (Amara, Bo|Bo, Amara)\.$/,
}

/** Waits until each member's circle screen says it reaches both others (`FULL_MESH`). */
export async function waitForFullMesh(
  members: { a: Device; b: Device; c: Device },
  timeout: number,
  when: string,
): Promise<void> {
  for (const [name, d] of [
    ['Amara', members.a],
    ['Bo', members.b],
    ['Cy', members.c],
  ] as const)
    await expect
      .poll(() => d.page.getByTestId('circle-reach').textContent(), {
        timeout,
        message: `${name}'s device reaches both others, ${when}`,
      })
      .toMatch(FULL_MESH[name])
}

/** Waits until `device`'s notes hold every line of `lines` (among others). */
export function waitForLines(device: Device, lines: string[], timeout: number): Promise<void> {
  return expect
    .poll(
      async () => {
        const have = await notesLines(device.page)
        return lines.filter((l) => !have.includes(l))
      },
      { timeout, interval: 250 },
    )
    .toEqual([])
}

/**
 * A phone going to sleep: the page is frozen (no timers, no events) and the link goes down;
 * waking, the page runs again and the link comes back.
 */
export async function setAsleep(device: Device, asleep: boolean): Promise<void> {
  const cdp = await device.context.newCDPSession(device.page)
  try {
    await cdp.send('Page.setWebLifecycleState', { state: asleep ? 'frozen' : 'active' })
  } finally {
    await cdp.detach()
  }
}

export interface ComeBackRound {
  round: number
  /** From Bo's link returning until Amara and Bo had each other's lines. */
  boSyncedMs: number
  /** From Cy's link returning until every member had every line. */
  cySyncedMs: number
  /** From Cy's link returning until every member reached both others. */
  fullMeshMs: number
}

export interface ComeBackOptions {
  members: { a: Device; b: Device; c: Device }
  links: { b: MemberLink; c: MemberLink }
  /** Bounds of the waits: generous for a busy machine, never timings. */
  backWithinMs: number
  fullMeshWithinMs: number
  /** Rounds in which Bo's device also sleeps through the cut (its page frozen). */
  boAsleepIn?: readonly number[]
  /** How many cuts (3 in the suite; the bench asks for more). */
  rounds?: number
  trace?: (line: string) => void
}

/**
 * Runs the cuts (three unless told) and returns each round's figures (printed by the caller,
 * and kept as JSON in the file `TEND_COMEBACK_OUT` names, for `npm run bench`).
 */
export async function cutThreeTimes(options: ComeBackOptions): Promise<ComeBackRound[]> {
  const { a, b, c } = options.members
  const trace = options.trace ?? (() => undefined)
  const rounds: ComeBackRound[] = []
  const reach = (page: Page) => page.getByTestId('circle-reach').textContent()
  const count = options.rounds ?? 3
  for (let round = 1; round <= count; round++) {
    const asleep = options.boAsleepIn?.includes(round) === true
    trace(`TEST round ${round}: cut B and C${asleep ? ' (B asleep)' : ''}`)
    await cutOff(b, options.links.b)
    await cutOff(c, options.links.c)
    await Promise.all([
      addNotesLine(a.page, `A${round}: Amara, who stayed`),
      addNotesLine(b.page, `B${round}: Bo, away a while`),
      addNotesLine(c.page, `C${round}: Cy, away longer`),
    ])
    // Both links are really gone: no device reaches another.
    for (const [name, d] of [
      ['Amara', a],
      ['Bo', b],
      ['Cy', c],
    ] as const)
      await expect
        .poll(() => reach(d.page), {
          timeout: options.backWithinMs,
          message: `${name}'s device, round ${round}`,
        })
        .toContain('On this device only')
    if (asleep) await setAsleep(b, true)

    trace(`TEST round ${round}: B back`)
    await bringBack(b, options.links.b)
    if (asleep) await setAsleep(b, false)
    const bBack = Date.now()
    await waitForLines(a, [`B${round}: Bo, away a while`], options.backWithinMs)
    await waitForLines(b, [`A${round}: Amara, who stayed`], options.backWithinMs)
    const boSyncedMs = Date.now() - bBack
    // Cy is still away: nothing of hers has arrived anywhere.
    expect(await notesLines(a.page)).not.toContain(`C${round}: Cy, away longer`)

    await addNotesLine(c.page, `C${round}: Cy, still offline`)
    trace(`TEST round ${round}: C back`)
    await bringBack(c, options.links.c)
    const cBack = Date.now()
    const everything = [
      `A${round}: Amara, who stayed`,
      `B${round}: Bo, away a while`,
      `C${round}: Cy, away longer`,
      `C${round}: Cy, still offline`,
    ]
    for (const d of [a, b, c]) await waitForLines(d, everything, options.backWithinMs)
    const cySyncedMs = Date.now() - cBack
    // Every member reaches every other again — Bo and Cy, who were both cut, too (not only
    // through Amara).
    await waitForFullMesh(options.members, options.fullMeshWithinMs, `round ${round}`)
    const fullMeshMs = Date.now() - cBack
    trace(`TEST round ${round}: Cy synced ${cySyncedMs}, full mesh ${fullMeshMs}`)
    rounds.push({ round, boSyncedMs, cySyncedMs, fullMeshMs })
  }
  // No page was reloaded: each is still the circle it opened, with every line of every round.
  const written = async (d: Device) => (await notesLines(d.page)).filter((l) => l !== '').sort()
  const all = await written(a)
  for (const d of [b, c]) expect(await written(d)).toEqual(all)
  expect(all.length).toBe(4 * count)
  return rounds
}

/** How many cuts a come-back test makes: 3, or what `npm run bench` asks for. */
export function comeBackRounds(): number {
  const asked = Number(process.env['TEND_COMEBACK_ROUNDS'])
  return Number.isInteger(asked) && asked >= 1 && asked <= 20 ? asked : 3
}

/**
 * Keeps figures (link back → synced, in ms, per who and path) for `npm run bench`, one JSON
 * line each, in the file `TEND_COMEBACK_OUT` names; nothing when it names none.
 */
export function keepComeBackFigures(what: string, ms: readonly number[]): void {
  const out = process.env['TEND_COMEBACK_OUT']
  if (out !== undefined && out !== '') appendFileSync(out, JSON.stringify({ what, ms }) + '\n')
}
