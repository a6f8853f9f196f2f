import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import {
  epochOfSecret,
  keyStateOf,
  makeGrants,
  makeKeyEpoch,
  openCurrentSecret,
  sealingKeyToPublish,
  signRemoval,
} from '../../../src/adapters/crypto/podKeyring.ts'
import { generateDeviceKeys } from '../../../src/adapters/crypto/deviceIdentity.ts'
import { generateSealingKeys } from '../../../src/adapters/crypto/sealing.ts'
import { fromBase64Url, toBase64Url } from '../../../src/adapters/crypto/encoding.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { migratePodDocument } from '../../../src/adapters/automerge/migrateDocument.ts'
import {
  publishSealingKey,
  recordKeyEpoch,
  recordKeyGrant,
  recordRemoval,
} from '../../../src/domain/keyEpochs.ts'
import { addMember, addMemberDevice } from '../../../src/domain/members.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { newPod, testContext, legacyCopy } from '../support/testContext.ts'

const POD = 'pod-key'
const NOW = Date.UTC(2026, 2, 3, 18)

describe('the v6 fixture, read with its signatures checked', () => {
  // As every device reads it: migrated (its members stand as from before signed membership).
  const raw = migratePodDocument(
    A.load<PodDoc>(
      new Uint8Array(readFileSync(new URL('../../fixtures/pod-v6.automerge', import.meta.url))),
    ),
  )
  const parsed = parsePodDoc(raw)
  if (!parsed.ok) throw new Error('the v6 fixture did not parse')

  it('shows Cy removed and epoch 1 current, with nothing ignored', async () => {
    const state = await keyStateOf(parsed.view, 'fixture-pod')
    expect(state.ignored).toEqual([])
    expect([...state.removedMembers]).toEqual(['fx8'])
    expect(state.current.epoch).toBe(1)
    expect(state.needsRekey).toBe(false)
  })

  it('ignores every entry when read as another pod (signatures bind the pod key)', async () => {
    const state = await keyStateOf(structuredClone(parsed.view), 'another-pod')
    expect(state.current.epoch).toBe(0)
    expect(state.removedMembers.size).toBe(0)
    expect(state.ignored.length).toBeGreaterThanOrEqual(3)
  })
})

describe('re-keying with real keys', async () => {
  const ring = async () => ({
    keys: await generateDeviceKeys(),
    sealing: await generateSealingKeys(),
  })
  const [amara, bo, cy, dee] = await Promise.all([ring(), ring(), ring(), ring()])
  const ctx = testContext(NOW)
  const { doc, founderId } = newPod(ctx)
  const dev = (r: typeof amara) => ({
    id: r.keys.deviceId,
    publicKey: r.keys.publicKeyText,
    label: 'phone',
  })
  addMemberDevice(doc, founderId, dev(amara), ctx)
  const boId = addMember(doc, { name: 'Bo', stage: 'newer', device: dev(bo) }, ctx)
  const cyId = addMember(doc, { name: 'Cy', stage: 'newer', device: dev(cy) }, ctx)
  const view = () => legacyCopy(doc)
  for (const r of [amara, bo, cy]) {
    const publish = await sealingKeyToPublish(view(), POD, r)
    expect(publish).not.toBeNull()
    publishSealingKey(doc, publish!)
    expect(await sealingKeyToPublish(view(), POD, r)).toBeNull()
  }

  it('seals a new secret to every remaining device and to no removed one', async () => {
    recordRemoval(
      doc,
      await signRemoval(POD, cy, {
        id: 'rm',
        memberId: cyId,
        deviceKey: null,
        now: NOW,
        epochSeen: 0,
      }),
    )
    const state = await keyStateOf(view(), POD)
    expect(state.needsRekey).toBe(true)
    const made = await makeKeyEpoch(state, POD, amara, { now: NOW + 1, id: 'e1' })
    recordKeyEpoch(doc, made.entry)
    const after = view()
    expect((await keyStateOf(after, POD)).needsRekey).toBe(false)
    expect(await openCurrentSecret(after, POD, amara)).toEqual({ secret: made.secret, epoch: 1 })
    expect(await openCurrentSecret(after, POD, bo)).toEqual({ secret: made.secret, epoch: 1 })
    expect(await openCurrentSecret(after, POD, cy)).toBeNull()
    expect(await epochOfSecret(after, POD, made.secret)).toEqual({ epoch: 1, current: true })
    void boId
  })

  it('opens nothing from a tampered box, and does not crash', async () => {
    const entry = doc.keyEpochs['e1']!
    const original = entry.boxes[bo.keys.publicKeyText]!
    const bytes = fromBase64Url(original)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1
    entry.boxes[bo.keys.publicKeyText] = toBase64Url(bytes)
    // The entry's signature no longer verifies: the whole epoch is ignored, and said so.
    const state = await keyStateOf(view(), POD)
    expect(state.ignored).toContain(
      'A new key (epoch 1) was ignored: its signature does not verify.',
    )
    expect(await openCurrentSecret(view(), POD, bo)).toBeNull()
    entry.boxes[bo.keys.publicKeyText] = original
  })

  it('grants the current secret to a device that joined after the epoch was made', async () => {
    addMember(doc, { name: 'Dee', stage: 'newer', device: dev(dee) }, ctx)
    publishSealingKey(doc, (await sealingKeyToPublish(view(), POD, dee))!)
    const state = await keyStateOf(view(), POD)
    expect(state.missingGrants.map((d) => d.deviceKey)).toEqual([dee.keys.publicKeyText])
    expect(await openCurrentSecret(view(), POD, dee)).toBeNull()
    const holder = await openCurrentSecret(view(), POD, bo)
    const grants = await makeGrants(state, POD, bo, { now: NOW + 2, secret: holder!.secret })
    for (const g of grants) recordKeyGrant(doc, g)
    expect(await openCurrentSecret(view(), POD, dee)).toEqual(holder)
    expect((await keyStateOf(view(), POD)).missingGrants).toEqual([])
  })
})
