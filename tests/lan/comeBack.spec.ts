import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, waitForServiceWorker, type Device } from '../e2e/support/browser.ts'
import { startTestHost } from '../e2e/support/host.ts'
import { createPod, startAs } from '../e2e/support/tend.ts'
import { joinByInvite, makeInvite, relaunch, waitConnectedWith } from '../e2e/support/sync.ts'
import { bringBack, cutOff, type MemberLink } from '../e2e/support/networkCut.ts'
import { addNotesLine } from '../e2e/support/notes.ts'
import {
  comeBackRounds,
  cutThreeTimes,
  keepComeBackFigures,
  waitForLines,
} from '../e2e/support/comeBack.ts'
import { appendFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'

const TRACE = process.env['TEND_LAN_TRACE']
const t0 = Date.now()
const trace = (line: string) => {
  if (TRACE !== undefined)
    appendFileSync(TRACE, `${((Date.now() - t0) / 1000).toFixed(2)} ${line}\n`)
}
const tapBroker = (chunk: Buffer, req: IncomingMessage) => {
  const text = chunk.toString('latin1')
  const peer = /"peerId":"([^"]+)"/.exec(text)?.[1]
  if (peer === undefined) return
  const kind = /"offer"/.test(text)
    ? 'offer'
    : /"answer"/.test(text)
      ? 'answer'
      : /"candidate"/.test(text)
        ? 'candidate'
        : 'announce'
  const topic = /([0-9a-f]{40})/.exec(text)?.[1]?.slice(0, 6) ?? '?'
  const offerId = /"offerId":"([^"]+)"/.exec(text)?.[1] ?? ''
  trace(
    `BROKER ${req.socket.remoteAddress}:${req.socket.remotePort} ${peer} ${kind} ->${topic} ${offerId}`,
  )
}

// Three members on one network (.ci/net-lan.sh), each device's Chromium in a network namespace
// of its own, with Chromium's default hiding of local addresses behind mDNS names. Members lose
// the network for real: their link goes down, as a phone loses its signal, and WebRTC breaks.
// Regression: a member who came back used to stay apart until every page was reloaded (offers
// older than a minute carried no candidates; the signaling socket outlived the cut).
const HOST = process.env['LAN_HOST'] ?? '10.77.0.1'
const member = (k: number): MemberLink => ({
  namespace: `m${k}`,
  link: `e${k}`,
  gateway: HOST,
})
const POD = 'Evening circle'
/**
 * A member is back within a second or two; the bounds are waits, generous for a busy machine,
 * not timings (the times are printed).
 */
const BACK_WITHIN_MS = 60_000
/**
 * A browser reopened with no network has more to do when the link returns (a fresh view of the
 * network, then its rooms): its wait stays as it was.
 */
const REOPENED_BACK_WITHIN_MS = 120_000
/**
 * How long the test waits for every member to be directly connected to every other again. Once
 * in nine rounds it took 54 s: a cut within 10 s of a room opening keeps the old signaling
 * connection, whose stale announcement then costs a retry cycle (see the README).
 */
const FULL_MESH_WITHIN_MS = 90_000

describe('a member who lost the network syncs again by itself', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let c: Device
  let circleUrl = ''
  let started = false

  const onLan = (k: number, profileDir?: string) =>
    launchDevice({
      executablePath: `${process.env['LAN_BIN'] ?? ''}/chromium-m${k}`,
      extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${host.url}`],
      ...(profileDir === undefined ? {} : { profileDir }),
    })

  beforeAll(async () => {
    host = await startTestHost({
      host: HOST,
      ...(TRACE === undefined
        ? {}
        : { onClientBytes: tapBroker, onBrokerEvent: (l: string) => trace(`BROKER-EV ${l}`) }),
    })
    ;[a, b, c] = await Promise.all([onLan(1), onLan(2), onLan(3)])
    if (TRACE !== undefined)
      for (const [name, d] of [
        ['A', a],
        ['B', b],
        ['C', c],
      ] as const) {
        await d.context.addInitScript(() => localStorage.setItem('tend-debug', '1'))
        // Every WebSocket of the page: who closes it (stack), and how it ends.
        await d.context.addInitScript(() => {
          const Base = WebSocket
          let n = 0
          const log = (m: string) => console.log(`Tend mesh WSDIAG ${m}`)
          const origClose = Base.prototype.close
          const ids = new WeakMap<WebSocket, number>()
          Base.prototype.close = function (this: WebSocket, ...args: [number?, string?]) {
            log(
              `ws#${ids.get(this)} close() called in state ${this.readyState} from ${new Error().stack?.split('\n').slice(2, 7).join(' | ')}`,
            )
            return origClose.apply(this, args)
          }
          const origDispatch = Base.prototype.dispatchEvent
          Base.prototype.dispatchEvent = function (this: WebSocket, e: Event) {
            log(`ws#${ids.get(this)} dispatchEvent(${e.type}) in state ${this.readyState}`)
            return origDispatch.call(this, e)
          }
          class Traced extends Base {
            constructor(url: string | URL, protocols?: string | string[]) {
              super(url, protocols)
              const k = ++n
              ids.set(this, k)
              log(`ws#${k} new ${String(url)}`)
              this.addEventListener('open', () => log(`ws#${k} open`))
              this.addEventListener('error', () => log(`ws#${k} error event`))
              this.addEventListener('close', (e) =>
                log(
                  `ws#${k} close event trusted=${e.isTrusted} code=${e.code} clean=${e.wasClean} reason=${e.reason}`,
                ),
              )
            }
          }
          globalThis.WebSocket = Traced as typeof WebSocket
        })
        d.page.on('console', (m) => {
          if (m.text().startsWith('Tend mesh') || m.type() === 'error') trace(`${name} ${m.text()}`)
        })
      }
  })
  /** A new pod of the three, all in its circle with the notes open; each test has its own. */
  const meetInACircle = async (pod: string) => {
    if (started) {
      await a.page.goto(`${host.url}/`)
      await a.page.getByRole('heading', { name: 'Your pods' }).waitFor()
    } else {
      await startAs(a.page, `${host.url}/`, 'Amara')
      started = true
    }
    await createPod(a.page, { name: pod, kind: /^Learning pod/ })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', pod)
    await joinByInvite(c.page, await makeInvite(a.page), 'Cy', pod)
    await waitConnectedWith(a.page, ['Bo', 'Cy'])
    await a.page.getByRole('button', { name: 'Start a circle now' }).click()
    await a.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    circleUrl = a.page.url()
    // Bo, on the pod's page, is offered Amara's circle rather than a second one of his own.
    await b.page
      .getByRole('button', { name: /^Join Amara’s circle, started \d{1,2}:\d{2}/ })
      .click({ timeout: 60_000 })
    await b.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    expect(new URL(b.page.url()).hash).toBe(new URL(circleUrl).hash)
    for (const d of [b, c]) {
      await waitForServiceWorker(d.page)
      await d.page.goto(circleUrl)
      await d.page.getByRole('textbox', { name: 'Circle notes' }).waitFor({ timeout: 60_000 })
    }
  }
  // A test that failed mid-cut leaves nobody cut for the next one.
  afterEach(async () => {
    for (const [k, d] of [b, c].entries()) if (d !== undefined) await bringBack(d, member(k + 2))
  })
  afterAll(async () => {
    await Promise.allSettled([a, b, c].map((d) => d?.destroy()))
    await host?.close()
  })

  it('two members cut mid-circle for different times, three times over, while everyone types', async () => {
    await meetInACircle(POD)
    const rounds = await cutThreeTimes({
      members: { a, b, c },
      links: { b: member(2), c: member(3) },
      backWithinMs: BACK_WITHIN_MS,
      fullMeshWithinMs: FULL_MESH_WITHIN_MS,
      // A phone that sleeps through the cut: its page frozen, woken as the link returns.
      boAsleepIn: [3],
      rounds: comeBackRounds(),
      trace,
    })
    keepComeBackFigures(
      'one network: Bo, back while the circle goes on',
      rounds.map((r) => r.boSyncedMs),
    )
    keepComeBackFigures(
      'one network: Cy, away longer',
      rounds.map((r) => r.cySyncedMs),
    )
    keepComeBackFigures(
      'one network: all three linked again',
      rounds.map((r) => r.fullMeshMs),
    )
    for (const r of rounds)
      console.info(
        `round ${r.round}: Bo synced ${r.boSyncedMs} ms after his link returned; ` +
          `Cy synced ${r.cySyncedMs} ms after hers, full mesh ${r.fullMeshMs} ms after hers`,
      )
  })

  it('a browser closed while offline and opened again with no network syncs once the link returns', async () => {
    await meetInACircle('Morning circle')
    await cutOff(c, member(3))
    await expect
      .poll(() => a.page.getByTestId('circle-reach').textContent(), {
        timeout: REOPENED_BACK_WITHIN_MS,
      })
      .toBe('● In sync with Bo.')
    await c.close()
    await addNotesLine(a.page, 'While Cy was closed')

    // Cy opens Tend with no network: the app and the pod come from the device.
    c = await relaunch(c, (profileDir) => onLan(3, profileDir))
    await c.context.setOffline(true)
    await c.page.goto(circleUrl)
    await c.page.getByRole('textbox', { name: 'Circle notes' }).waitFor({ timeout: 60_000 })
    await addNotesLine(c.page, 'Cy, reopened offline')
    await expect
      .poll(() => c.page.getByTestId('circle-reach').textContent())
      .toContain('On this device only')

    await bringBack(c, member(3))
    const back = Date.now()
    for (const d of [a, b, c])
      await waitForLines(
        d,
        ['While Cy was closed', 'Cy, reopened offline'],
        REOPENED_BACK_WITHIN_MS,
      )
    const synced = Date.now() - back
    console.info(`reopened offline: Cy synced ${synced} ms after her link returned`)
    keepComeBackFigures('one network: a browser reopened offline', [synced])
  })
})
