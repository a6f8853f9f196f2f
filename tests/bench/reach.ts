/**
 * `npm run bench`, part two: reach between homes, on the simulated internet of
 * `.ci/net-homes.sh --nat cone,cone,symmetric` (the command runs it there, as root).
 *
 * For each path — two devices on the same home network, two homes behind cone NATs (direct),
 * a home behind a symmetric NAT (through the community's relay) — a member edits the pod while
 * another member's device is closed; the time is from that device opening the pod to the edit
 * on its screen (first completed sync), median of three. Only the two devices of the pair are
 * open, so the path measured is the path named. For the relayed pair it also counts the bytes
 * that crossed the relay (the selected candidate pair) against the bytes of the sync itself
 * (the data channel's payload).
 */
import type { Page } from 'playwright-core'
import { addMember, createPod, memberRow, startAs } from '../e2e/support/tend.ts'
import { makeInvite } from '../e2e/support/sync.ts'
import type { Device } from '../e2e/support/browser.ts'
import { Coturn, launchInHome, startCommunityHost } from '../homes/support.ts'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** Keeps every RTCPeerConnection a page makes, so its stats can be read afterwards. */
async function keepConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const kept: RTCPeerConnection[] = []
    ;(window as unknown as { __tendPcs: RTCPeerConnection[] }).__tendPcs = kept
    const Original = window.RTCPeerConnection
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config)
        kept.push(this)
      }
    } as typeof RTCPeerConnection
  })
}

interface Traffic {
  path: string
  wireBytes: number
  payloadBytes: number
}

/** The connected peer connection's path, bytes on the wire (selected pair) and payload bytes. */
async function traffic(page: Page): Promise<Traffic | null> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __tendPcs: RTCPeerConnection[] }).__tendPcs
    let best: Traffic | null = null
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue
      const reports: Record<string, unknown>[] = []
      ;(await pc.getStats()).forEach((r: Record<string, unknown>) => reports.push(r))
      // No helper functions in here: tsx would wrap them in a name helper the page lacks.
      for (const r of reports)
        r['bytes'] = Number(r['bytesSent'] ?? 0) + Number(r['bytesReceived'] ?? 0)
      // The pair that carried the traffic (the selected one, or after a switch the busiest).
      const pair = reports
        .filter((r) => r['type'] === 'candidate-pair')
        .sort((x, y) => Number(y['bytes']) - Number(x['bytes']))[0]
      if (pair === undefined) continue
      const local = reports.find((r) => r['id'] === pair['localCandidateId'])
      const remote = reports.find((r) => r['id'] === pair['remoteCandidateId'])
      const payload = reports
        .filter((r) => r['type'] === 'data-channel')
        .reduce((s, r) => s + Number(r['bytes']), 0)
      if (best === null || payload > best.payloadBytes) {
        best = {
          path: `${String(local?.['candidateType'])} → ${String(remote?.['candidateType'])}`,
          wireBytes: Number(pair['bytes']),
          payloadBytes: payload,
        }
      }
    }
    return best
  })
}

async function inHome(k: number, url: string, profileDir?: string): Promise<Device> {
  const device = await launchInHome(k, url, profileDir)
  await keepConnections(device.page)
  return device
}

async function join(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link)
  await page.getByLabel('Your name, as your pod will see it').fill(name)
  await page.getByRole('button', { name: 'Join the pod' }).click()
  await memberRow(page, name).waitFor({ timeout: 120_000 })
}

const host = await startCommunityHost()
const coturn = new Coturn()
await coturn.start()
const closed: Device[] = []
let a: Device | null = null
try {
  a = await inHome(1, host.url)
  await startAs(a.page, `${host.url}/`, 'Amara')
  const podUrl = await createPod(a.page, { name: 'Reach', kind: /^Learning pod/ })
  const pairs = [
    { label: 'same home network', home: 1, name: 'Lee', expect: 'on the same network' },
    { label: 'two homes, cone NATs (direct)', home: 2, name: 'Bo', expect: 'directly' },
    { label: 'symmetric NAT (relay)', home: 3, name: 'Cy', expect: 'relay' },
  ]
  const rows: string[] = []
  let edit = 0
  for (const pair of pairs) {
    let other = await inHome(pair.home, host.url)
    await join(other.page, await makeInvite(a.page), pair.name)
    const times: number[] = []
    let seen: Traffic | null = null
    let shown = ''
    for (let round = 0; round < 3; round++) {
      await other.close()
      const name = `Edit ${++edit}`
      await addMember(a.page, name, 'Newer')
      other = await inHome(pair.home, host.url, other.profileDir)
      const started = Date.now()
      await other.page.goto(podUrl)
      await memberRow(other.page, name).waitFor({ timeout: 120_000 })
      times.push(Date.now() - started)
      await other.page.getByText('Connection details').click()
      shown = (await other.page.getByTestId('peer-path').allTextContents()).join('; ')
      seen = await traffic(other.page)
    }
    closed.push(other)
    rows.push(
      `| ${pair.label} | ${median(times).toFixed(0)} ms | ${shown || '(not shown)'} | ${seen?.path ?? '?'} |`,
    )
    if (pair.home === 3 && seen !== null) {
      rows.push('')
      rows.push('| relayed sync | bytes |')
      rows.push('|---|---:|')
      rows.push(`| data-channel payload (the sync itself) | ${seen.payloadBytes} |`)
      rows.push(`| bytes through the relay (selected pair) | ${seen.wireBytes} |`)
      rows.push(
        `| relay ÷ payload | ${(seen.wireBytes / Math.max(1, seen.payloadBytes)).toFixed(2)} |`,
      )
    }
    await other.close()
  }
  console.log('\n## Reach between homes (net-homes: cone, cone, symmetric)\n')
  console.log('| path | time from opening the pod to first sync (median of 3) | shown | pair |')
  console.log('|---|---:|---|---|')
  rows.forEach((r) => console.log(r))
} finally {
  await a?.destroy()
  for (const d of closed) await d.destroy()
  await coturn.stop()
  await host.close()
}
