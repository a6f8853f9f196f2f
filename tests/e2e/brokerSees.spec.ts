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
    ;[a, b] = await Promise.all([launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([a, b].map((d) => d?.destroy()))
    await host?.close()
  })

  it('relays two members’ whole sync without a name, a note, a document id or a key', async () => {
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
