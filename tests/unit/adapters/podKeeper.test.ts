import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createPodKeeper } from '../../../src/adapters/network/podKeeper.ts'
import { generateDeviceKeys } from '../../../src/adapters/crypto/deviceIdentity.ts'
import { generateSealingKeys } from '../../../src/adapters/crypto/sealing.ts'
import { signConfirmation, signRemoval } from '../../../src/adapters/crypto/podKeyring.ts'
import { openDeviceStore } from '../../../src/adapters/device/deviceStore.ts'
import type { PodStore } from '../../../src/adapters/automerge/podStore.ts'
import { addMember, addMemberDevice } from '../../../src/domain/members.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { legacyCopy, newPod, testContext } from '../support/testContext.ts'

const POD = 'podkey'
const NOW = Date.UTC(2026, 10, 25)

/** The pod store's two calls the keeper makes, over a plain document. */
function plainPods(doc: PodDoc): PodStore {
  return {
    peek: () => {
      const parsed = parsePodDoc(legacyCopy(doc))
      return parsed.ok ? parsed.view : null
    },
    change: async (_url: string, command: (d: PodDoc) => unknown) => command(doc),
  } as unknown as PodStore
}

describe('a removal notice from a member who refused this device', async () => {
  const ring = async () => ({
    keys: await generateDeviceKeys(),
    sealing: await generateSealingKeys(),
  })
  const [amara, bo, cy] = await Promise.all([ring(), ring(), ring()])
  const setup = () => {
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
    return { doc, boId, cyId }
  }
  const keeperFor = async (doc: PodDoc, who: typeof amara) =>
    createPodKeeper({
      device: await openDeviceStore(`keeper-${Math.random()}`),
      pods: plainPods(doc),
      ring: async () => who,
      now: () => NOW,
      newId: () => 'id',
    })

  it('records a valid removal of this device, with its confirmation', async () => {
    const { doc, cyId } = setup()
    const removal = await signRemoval(POD, amara, {
      id: 'rm',
      memberId: cyId,
      deviceKey: null,
      now: NOW,
      epochSeen: 0,
    })
    const confirmation = await signConfirmation(POD, bo, {
      removalId: 'rm',
      now: NOW + 1,
      epochSeen: 0,
    })
    const notice = JSON.parse(
      JSON.stringify({ ...removal, confirmations: { [bo.keys.deviceId]: confirmation } }),
    )
    await (await keeperFor(doc, cy)).acceptRemovalNotice(POD, notice)
    expect(Object.keys(doc.removals)).toEqual(['rm'])
    expect(Object.keys(doc.removals['rm']!.confirmations)).toEqual([bo.keys.deviceId])
  })

  it('drops a notice that is unconfirmed, forged, about someone else, or not a removal', async () => {
    const { doc, boId, cyId } = setup()
    const keeper = await keeperFor(doc, cy)
    const unconfirmed = await signRemoval(POD, amara, {
      id: 'r1',
      memberId: cyId,
      deviceKey: null,
      now: NOW,
      epochSeen: 0,
    })
    const aboutBo = await signRemoval(POD, bo, {
      id: 'r2',
      memberId: boId,
      deviceKey: null,
      now: NOW,
      epochSeen: 0,
    })
    const forged = {
      ...(await signRemoval(POD, cy, {
        id: 'r3',
        memberId: cyId,
        deviceKey: null,
        now: NOW,
        epochSeen: 0,
      })),
      requestedAt: NOW + 5,
    }
    for (const notice of [
      unconfirmed,
      aboutBo,
      forged,
      null,
      'removed',
      { id: '__proto__' },
      { id: 'x', memberId: 7 },
    ])
      await keeper.acceptRemovalNotice(POD, JSON.parse(JSON.stringify(notice)))
    expect(doc.removals).toEqual({})
  })
})
