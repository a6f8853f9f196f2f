import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import { waitForServiceWorker, type Device } from '../e2e/support/browser.ts'
import { createPod, startAs } from '../e2e/support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith } from '../e2e/support/sync.ts'
import { bringBack, type MemberLink } from '../e2e/support/networkCut.ts'
import {
  comeBackRounds,
  cutThreeTimes,
  keepComeBackFigures,
  waitForFullMesh,
} from '../e2e/support/comeBack.ts'
import { Coturn, launchInHome, startCommunityHost, type CommunityHost } from './support.ts'

// Coming back across homes: Amara and Bo behind cone NATs (a direct path), Cy behind a
// symmetric NAT (only the community's relay gets through). Bo and Cy lose the network for real
// mid-circle — their home link goes down, as a phone loses its signal — for different times,
// three times over, while everyone types; in the last round Bo's phone also sleeps through it.
// After each return every member has every line and reaches both others, with no reload.
const home = (k: number): MemberLink => ({
  namespace: `home${k}`,
  link: `h${k}`,
  gateway: '192.168.1.1',
})
/** Bounds of the waits, generous for a busy machine; the times are printed. */
const BACK_WITHIN_MS = 90_000
const FULL_MESH_WITHIN_MS = 120_000

describe('members in different homes who lose the network', () => {
  let host: CommunityHost
  const coturn = new Coturn()
  let a: Device
  let b: Device
  let c: Device

  beforeAll(async () => {
    host = await startCommunityHost()
    await coturn.start()
    ;[a, b, c] = await Promise.all([
      launchInHome(1, host.url),
      launchInHome(2, host.url),
      launchInHome(3, host.url),
    ])
  })
  // A test that failed mid-cut leaves nobody cut.
  afterEach(async () => {
    for (const [k, d] of [b, c].entries()) if (d !== undefined) await bringBack(d, home(k + 2))
  })
  afterAll(async () => {
    await Promise.allSettled([a, b, c].map((d) => d?.destroy()))
    await coturn.stop()
    await host?.close()
  })

  it('sync again by themselves, directly and through the relay, three times over', async () => {
    const pod = 'Across town, on and off'
    await startAs(a.page, `${host.url}/`, 'Amara')
    await createPod(a.page, { name: pod, kind: /^Learning pod/ })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', pod)
    await joinByInvite(c.page, await makeInvite(a.page), 'Cy', pod)
    await waitConnectedWith(a.page, ['Bo', 'Cy'], 90_000)
    await a.page.getByRole('button', { name: 'Start a circle now' }).click()
    await a.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    const circle = a.page.url()
    for (const d of [b, c]) {
      await waitForServiceWorker(d.page)
      await d.page.goto(circle)
      await d.page.getByRole('textbox', { name: 'Circle notes' }).waitFor({ timeout: 60_000 })
    }
    // Everyone reaches everyone before the first cut (Cy through the relay).
    await waitForFullMesh({ a, b, c }, 90_000, 'before the first cut')

    const rounds = await cutThreeTimes({
      members: { a, b, c },
      links: { b: home(2), c: home(3) },
      backWithinMs: BACK_WITHIN_MS,
      fullMeshWithinMs: FULL_MESH_WITHIN_MS,
      boAsleepIn: [3],
      rounds: comeBackRounds(),
    })
    keepComeBackFigures(
      'two homes: Bo, direct',
      rounds.map((r) => r.boSyncedMs),
    )
    keepComeBackFigures(
      'two homes: Cy, through the relay',
      rounds.map((r) => r.cySyncedMs),
    )
    keepComeBackFigures(
      'two homes: all three linked again',
      rounds.map((r) => r.fullMeshMs),
    )
    for (const r of rounds)
      console.info(
        `homes round ${r.round}: Bo (direct) synced ${r.boSyncedMs} ms after his link returned; ` +
          `Cy (relayed) synced ${r.cySyncedMs} ms after hers, full mesh ${r.fullMeshMs} ms after hers`,
      )
  })
})
