import type { IncomingMessage } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { parser, type Packet } from 'mqtt-packet'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith, waitForMembers } from './support/sync.ts'
import { decodeInvite } from '../../src/adapters/network/invite.ts'
import { deriveRoomKeys } from '../../src/adapters/crypto/roomKeys.ts'
import { TOPIC_PATTERN } from '../../src/signal/brokerRules.ts'

/** The notes as the editor shows them, line by line. */
async function notesText(page: Page): Promise<string> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.notes-editor .cm-line')].map((l) => l.textContent).join('\n'),
  )
}

/** The pod's key epoch and secret as this device stores them. */
async function podKeysOn(page: Page): Promise<{ epoch: number | null; secret: string | null }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tend-device')
        open.onsuccess = () => {
          const all = open.result.transaction('pods').objectStore('pods').getAll()
          all.onsuccess = () => {
            const entry = (all.result as { epoch?: number; secret: string | null }[])[0]
            open.result.close()
            resolve({ epoch: entry?.epoch ?? null, secret: entry?.secret ?? null })
          }
          all.onerror = () => reject(all.error)
        }
        open.onerror = () => reject(open.error)
      }),
  )
}

/** Every MQTT packet in one connection's bytes, in order. */
function packetsOf(bytes: Buffer): Packet[] {
  const packets: Packet[] = []
  const p = parser()
  p.on('packet', (packet: Packet) => packets.push(packet))
  p.parse(bytes)
  return packets
}

/** Which of `needles` occur in `bytes`: as UTF-8 text, and, for secrets, in their usual forms. */
function found(bytes: Buffer, needles: Record<string, string>): string[] {
  return Object.entries(needles)
    .filter(([, needle]) => bytes.includes(Buffer.from(needle, 'utf8')))
    .map(([what]) => what)
}

// What the signaling broker learns while two members create, join and use a pod: everything it
// receives, byte by byte, as the host reads it. It may see that devices meet on hashed topics;
// it must not see what the pod is, who is in it, what they write, or the keys that open it.
describe('what the signaling broker sees', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let c: Device
  const received = new Map<IncomingMessage, Buffer[]>()
  const POD = 'Quince lantern circle'
  const NOTE = 'marigold whisper ledger'

  beforeAll(async () => {
    host = await startTestHost({
      onClientBytes: (chunk, connection) => {
        const chunks = received.get(connection) ?? []
        chunks.push(Buffer.from(chunk))
        received.set(connection, chunks)
      },
    })
    ;[a, b, c] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([a, b, c].map((d) => d?.destroy()))
    await host?.close()
  })

  it('relays the members’ whole sync, a removal and the re-key without a name, a note, a document id or a key', async () => {
    // A control: text published in clear through this broker is found by the same search.
    const canary = 'canary published in clear'
    const probe = await mqtt.connectAsync(`${host.url.replace('http', 'ws')}/mqtt`, {
      reconnectPeriod: 0,
    })
    await probe.publishAsync('c0ntr0l0c0ntr0l0c0ntr0l0', canary)
    await probe.endAsync()

    await startAs(a.page, `${host.url}/`, 'Amaranthe')
    const podUrl = await createPod(a.page, { name: POD, kind: /^Learning pod/ })
    const link = await makeInvite(a.page)
    await joinByInvite(b.page, link, 'Bodhild', POD)
    await waitConnectedWith(a.page, ['Bodhild'])
    await addMember(a.page, 'Ysolde', 'Experienced')
    await waitForMembers(b.page, ['Amaranthe', 'Bodhild', 'Ysolde'])

    await a.page.goto(podUrl)
    await a.page.getByRole('button', { name: 'Start a circle now' }).click()
    await a.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    await b.page.goto(a.page.url())
    await a.page.getByRole('textbox', { name: 'Circle notes' }).click()
    await a.page.keyboard.type(NOTE)
    await expect.poll(() => notesText(b.page), { timeout: 30_000 }).toBe(NOTE)

    // A third member joins, then removes her own device: the pod re-keys, and the two who
    // remain sync on the new secret.
    await a.page.goto(podUrl)
    await b.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    await joinByInvite(c.page, await makeInvite(a.page), 'Cyprienne', POD)
    await waitForMembers(a.page, ['Amaranthe', 'Bodhild', 'Cyprienne', 'Ysolde'])
    await expect
      .poll(() => a.page.getByText('not yet ready for a new key').count(), { timeout: 30_000 })
      .toBe(0)
    await c.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    await c.page
      .getByRole('button', { name: /^Remove this device: Cyprienne's/ })
      .first()
      .click()
    await c.page.getByTestId('removed-notice').waitFor({ timeout: 30_000 })
    await expect.poll(async () => (await podKeysOn(a.page)).epoch, { timeout: 30_000 }).toBe(1)
    await expect.poll(async () => (await podKeysOn(b.page)).epoch, { timeout: 30_000 }).toBe(1)
    await waitConnectedWith(a.page, ['Bodhild'])
    await addMember(a.page, 'Wenceslas', 'Newer')
    await waitForMembers(b.page, ['Amaranthe', 'Bodhild', 'Cyprienne', 'Wenceslas', 'Ysolde'])
    const rotated = (await podKeysOn(a.page)).secret ?? ''
    const newKeys = await deriveRoomKeys(rotated)

    const invite = await decodeInvite(link, Date.now())
    const keys = await deriveRoomKeys(invite.secret)
    const needles = {
      'pod name': POD,
      'pod name word': 'Quince',
      'first member': 'Amaranthe',
      'second member': 'Bodhild',
      'added member': 'Ysolde',
      'note text': NOTE,
      'document id': invite.documentId,
      'invite id': invite.inviteId,
      'pod secret': invite.secret,
      'pod secret (base64)': Buffer.from(invite.secret, 'base64url').toString('base64'),
      'pod secret (hex)': Buffer.from(invite.secret, 'base64url').toString('hex'),
      'room id': keys.roomId,
      'room password': keys.password,
      'app id': keys.appId,
      'removed member': 'Cyprienne',
      'member added after the re-key': 'Wenceslas',
      'new pod secret': rotated,
      'new pod secret (base64)': Buffer.from(rotated, 'base64url').toString('base64'),
      'new pod secret (hex)': Buffer.from(rotated, 'base64url').toString('hex'),
      'new room id': newKeys.roomId,
      'new room password': newKeys.password,
      'new app id': newKeys.appId,
    }

    const connections = [...received.values()].map((chunks) => Buffer.concat(chunks))
    const packets = connections.map(packetsOf)
    // The capture holds the control and both browsers' Trystero traffic.
    expect(connections.some((bytes) => found(bytes, { canary }).length === 1)).toBe(true)
    const browsers = packets.filter((ps) =>
      ps.some(
        (p) => p.cmd === 'subscribe' && p.subscriptions.some((s) => TOPIC_PATTERN.test(s.topic)),
      ),
    )
    expect(browsers.length).toBeGreaterThanOrEqual(2)
    for (const ps of browsers)
      expect(ps.filter((p) => p.cmd === 'publish').length).toBeGreaterThan(0)

    const leaks = connections.flatMap((bytes) => found(bytes, needles))
    expect(leaks).toEqual([])
  })
})
