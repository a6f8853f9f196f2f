import { describe, expect, it } from 'vitest'
import { createPodAdmission } from '../../../src/adapters/network/podAdmission.ts'
import { generateDeviceKeys, type DeviceKeys } from '../../../src/adapters/crypto/deviceIdentity.ts'
import { inviteProof } from '../../../src/adapters/network/invite.ts'
import { randomBytes, toBase64Url } from '../../../src/adapters/crypto/encoding.ts'
import type { PodEntry } from '../../../src/adapters/device/deviceStore.ts'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import { newPod, testContext } from '../support/testContext.ts'

const NOW = Date.UTC(2026, 10, 25)
const POD = 'podkey'

function entry(secret: string): PodEntry {
  return {
    url: `automerge:${POD}`,
    name: 'Pod',
    addedAt: 0,
    lastOpenedAt: null,
    memberId: null,
    secret,
    connection: null,
    pendingJoin: null,
    lastSyncByKey: {},
    syncedHeads: null,
  }
}

async function claimFrom(keys: DeviceKeys, nonce: string, invite: unknown = null, peerId?: string) {
  const signer = createPodAdmission({
    keys,
    entryOf: async () => null,
    viewOf: () => null,
    now: () => NOW,
  })
  return {
    peerId: peerId ?? `${keys.deviceId}~tab`,
    credentials: { publicKey: keys.publicKeyText, invite } as never,
    nonce,
    signature: await signer.sign(POD, nonce),
  }
}

describe('pod admission', async () => {
  const me = await generateDeviceKeys()
  const member = await generateDeviceKeys()
  const stranger = await generateDeviceKeys()
  const secret = toBase64Url(randomBytes(32))
  const ctx = testContext()
  const { doc } = newPod(ctx)
  const memberId = addMember(
    doc,
    {
      name: 'Bo',
      stage: 'newer',
      device: { id: member.deviceId, publicKey: member.publicKeyText, label: 'x' },
    },
    ctx,
  )
  const admission = createPodAdmission({
    keys: me,
    entryOf: async () => entry(secret),
    viewOf: () => doc,
    now: () => NOW,
  })

  it('admits a listed member who signs our challenge', async () => {
    expect(await admission.verify(POD, await claimFrom(member, 'n1'))).toBe(true)
  })

  it('refuses a signature over another challenge', async () => {
    const claim = await claimFrom(member, 'n1')
    expect(await admission.verify(POD, { ...claim, nonce: 'n2' })).toBe(false)
  })

  it('refuses a peer id that poses as another device (for example one of our tabs)', async () => {
    expect(
      await admission.verify(POD, await claimFrom(member, 'n1', null, `${me.deviceId}~tab`)),
    ).toBe(false)
  })

  it('refuses a stranger without an invite, and one with a forged or expired invite', async () => {
    expect(await admission.verify(POD, await claimFrom(stranger, 'n'))).toBe(false)
    const forged = { inviteId: 'i', expiresAt: NOW + 1000, mac: 'AAAAAAAAAAAAAAAAAAAAAA' }
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', forged))).toBe(false)
    const expired = {
      inviteId: 'i',
      expiresAt: NOW - 1,
      mac: await inviteProof({ inviteId: 'i', expiresAt: NOW - 1, secret }),
    }
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', expired))).toBe(false)
  })

  it('admits a newcomer with a valid invite proof', async () => {
    const valid = {
      inviteId: 'i',
      expiresAt: NOW + 1000,
      mac: await inviteProof({ inviteId: 'i', expiresAt: NOW + 1000, secret }),
    }
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', valid))).toBe(true)
  })

  it('refuses a member who has left', async () => {
    setMemberStatus(doc, memberId, 'left', ctx)
    expect(await admission.verify(POD, await claimFrom(member, 'n1'))).toBe(false)
    setMemberStatus(doc, memberId, 'active', ctx)
  })
})
