import { describe, expect, it } from 'vitest'
import { createPodAdmission } from '../../../src/adapters/network/podAdmission.ts'
import {
  generateDeviceKeys,
  sign,
  type DeviceKeys,
} from '../../../src/adapters/crypto/deviceIdentity.ts'
import {
  inviteStatement,
  recordInvite,
  recordInviteUse,
  withdrawInvite,
} from '../../../src/domain/invites.ts'
import { inviteProof } from '../../../src/adapters/network/invite.ts'
import { randomBytes, toBase64Url } from '../../../src/adapters/crypto/encoding.ts'
import type { PodEntry } from '../../../src/adapters/device/deviceStore.ts'
import { addMember, addMemberDevice, setMemberStatus } from '../../../src/domain/members.ts'
import { generateSealingKeys } from '../../../src/adapters/crypto/sealing.ts'
import { signConfirmation, signRemoval } from '../../../src/adapters/crypto/podKeyring.ts'
import { recordConfirmation, recordRemoval } from '../../../src/domain/keyEpochs.ts'
import { roomKeyFor } from '../../../src/adapters/network/lobbies.ts'
import { newPod, testContext, legacyCopy } from '../support/testContext.ts'

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
    // A fresh view each time, as the pod store gives one per change (key states are cached per view).
    viewOf: () => legacyCopy(doc),
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

  /** An invite made by Bo's device, recorded in the pod as the app records it. */
  async function recorded(id: string, expiresAt: number, by = member, byId = memberId) {
    const unsigned = {
      id,
      invitedBy: byId,
      deviceKey: by.publicKeyText,
      createdAt: NOW - 60_000,
      expiresAt,
      uses: 1,
      forMember: null,
    }
    const signature = await sign(by, new TextEncoder().encode(inviteStatement(POD, unsigned)))
    recordInvite(doc, { ...unsigned, signature, withdrawnAt: null })
    return doc.invites[id]!
  }
  const proofOf = async (inviteId: string, expiresAt: number) => ({
    inviteId,
    expiresAt,
    mac: await inviteProof({ inviteId, expiresAt, secret }),
  })

  it('admits a newcomer whose invite proof matches an invite the pod records', async () => {
    await recorded('i-ok', NOW + 1000)
    expect(
      await admission.verify(
        POD,
        await claimFrom(stranger, 'n', await proofOf('i-ok', NOW + 1000)),
      ),
    ).toBe(true)
  })

  it('refuses a stranger without an invite, and one with a forged or unrecorded invite', async () => {
    expect(await admission.verify(POD, await claimFrom(stranger, 'n'))).toBe(false)
    const forged = { inviteId: 'i-ok', expiresAt: NOW + 1000, mac: 'AAAAAAAAAAAAAAAAAAAAAA' }
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', forged))).toBe(false)
    // A proof made with the secret, for an invite nobody recorded (a link made up by hand).
    const unrecorded = await proofOf('made-up', NOW + 1000)
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', unrecorded))).toBe(false)
  })

  it('refuses an expired invite, even re-signed with a later expiry', async () => {
    await recorded('i-old', NOW - 1)
    const asMade = await proofOf('i-old', NOW - 1)
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', asMade))).toBe(false)
    // Whoever holds the link knows the secret, so can MAC any expiry: the record decides.
    const revived = await proofOf('i-old', NOW + 7 * 86_400_000)
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', revived))).toBe(false)
    const stretched = await proofOf('i-ok', NOW + 365 * 86_400_000)
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', stretched))).toBe(false)
  })

  it('refuses an invite whose record was changed, or signed by a key no member lists', async () => {
    const record = await recorded('i-edit', NOW + 1000)
    // A peer moves the record's expiry on: the signature no longer holds.
    record.expiresAt = NOW + 2000
    expect(
      await admission.verify(
        POD,
        await claimFrom(stranger, 'n', await proofOf('i-edit', NOW + 2000)),
      ),
    ).toBe(false)
    // A record signed by the stranger's own key, naming Bo as the inviter.
    const unsigned = {
      id: 'i-self',
      invitedBy: memberId,
      deviceKey: stranger.publicKeyText,
      createdAt: NOW,
      expiresAt: NOW + 1000,
      uses: 1,
      forMember: null,
    }
    doc.invites['i-self'] = {
      ...unsigned,
      withdrawnAt: null,
      signature: await sign(stranger, new TextEncoder().encode(inviteStatement(POD, unsigned))),
    }
    expect(
      await admission.verify(
        POD,
        await claimFrom(stranger, 'n', await proofOf('i-self', NOW + 1000)),
      ),
    ).toBe(false)
    // A record made for another pod does not open this one.
    const elsewhere = {
      id: 'i-else',
      invitedBy: memberId,
      deviceKey: member.publicKeyText,
      createdAt: NOW,
      expiresAt: NOW + 1000,
      uses: 1,
      forMember: null,
    }
    doc.invites['i-else'] = {
      ...elsewhere,
      withdrawnAt: null,
      signature: await sign(
        member,
        new TextEncoder().encode(inviteStatement('other-pod', elsewhere)),
      ),
    }
    expect(
      await admission.verify(
        POD,
        await claimFrom(stranger, 'n', await proofOf('i-else', NOW + 1000)),
      ),
    ).toBe(false)
  })

  it('refuses an invite used up by other devices, or withdrawn, whichever member checks', async () => {
    await recorded('i-once', NOW + 1000)
    const proof = await proofOf('i-once', NOW + 1000)
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', proof))).toBe(true)
    // The first newcomer joined with it; their device recorded the use.
    const first = await generateDeviceKeys()
    recordInviteUse(
      doc,
      { inviteId: 'i-once', memberId: 'someone', deviceKey: first.publicKeyText },
      ctx,
    )
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', proof))).toBe(false)
    expect(await admission.verify(POD, await claimFrom(first, 'n', proof))).toBe(true)
    await recorded('i-gone', NOW + 1000)
    withdrawInvite(doc, { inviteId: 'i-gone', memberId }, ctx)
    const gone = await proofOf('i-gone', NOW + 1000)
    expect(await admission.verify(POD, await claimFrom(stranger, 'n', gone))).toBe(false)
  })

  it('refuses an invite made by a member who has since left', async () => {
    await recorded('i-left', NOW + 1000)
    setMemberStatus(doc, memberId, 'left', ctx)
    expect(
      await admission.verify(
        POD,
        await claimFrom(stranger, 'n', await proofOf('i-left', NOW + 1000)),
      ),
    ).toBe(false)
    setMemberStatus(doc, memberId, 'active', ctx)
    expect(
      await admission.verify(
        POD,
        await claimFrom(stranger, 'n', await proofOf('i-left', NOW + 1000)),
      ),
    ).toBe(true)
  })

  it('refuses a member who has left', async () => {
    setMemberStatus(doc, memberId, 'left', ctx)
    expect(await admission.verify(POD, await claimFrom(member, 'n1'))).toBe(false)
    setMemberStatus(doc, memberId, 'active', ctx)
  })
})

describe('pod admission after removals and a re-key', async () => {
  const ring = async () => ({
    keys: await generateDeviceKeys(),
    sealing: await generateSealingKeys(),
  })
  const [me, bo, boLaptop, cy, joiner] = await Promise.all([ring(), ring(), ring(), ring(), ring()])
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx)
  const device = (r: typeof me, label: string) => ({
    id: r.keys.deviceId,
    publicKey: r.keys.publicKeyText,
    label,
  })
  addMemberDevice(doc, founderId, device(me, 'phone'), ctx)
  const boId = addMember(doc, { name: 'Bo', stage: 'newer', device: device(bo, 'phone') }, ctx)
  addMemberDevice(doc, boId, device(boLaptop, 'laptop'), ctx)
  const cyId = addMember(doc, { name: 'Cy', stage: 'newer', device: device(cy, 'phone') }, ctx)
  const oldSecret = toBase64Url(randomBytes(32))
  const newSecret = toBase64Url(randomBytes(32))
  let current = oldSecret
  const admission = createPodAdmission({
    keys: me.keys,
    entryOf: async () => entry(current),
    viewOf: () => legacyCopy(doc),
    now: () => NOW,
  })
  const claim = async (r: typeof me, nonce: string, invite: unknown = null) =>
    claimFrom(r.keys, nonce, invite)

  // Bo's laptop invites someone while the pod is on its first secret; the link holds it.
  const unsigned = {
    id: 'inv-laptop',
    invitedBy: boId,
    deviceKey: boLaptop.keys.publicKeyText,
    createdAt: NOW - 60_000,
    expiresAt: NOW + 60_000,
    uses: 1,
    forMember: null,
  }
  const inviteSig = await sign(
    boLaptop.keys,
    new TextEncoder().encode(inviteStatement(POD, unsigned)),
  )
  recordInvite(doc, { ...unsigned, signature: inviteSig, withdrawnAt: null })
  const oldLinkProof = {
    inviteId: 'inv-laptop',
    expiresAt: unsigned.expiresAt,
    mac: await inviteProof({
      inviteId: 'inv-laptop',
      expiresAt: unsigned.expiresAt,
      secret: oldSecret,
    }),
  }

  it('admits the invite before anything is removed (the baseline)', async () => {
    expect(await admission.verify(POD, await claim(joiner, 'n', oldLinkProof))).toBe(true)
  })

  it('refuses a removed device, but not its member’s other device', async () => {
    // Bo removes their own lost laptop: it takes effect at once.
    const r = await signRemoval(POD, bo, {
      id: 'rm-laptop',
      memberId: boId,
      deviceKey: boLaptop.keys.publicKeyText,
      now: NOW - 30_000,
      epochSeen: 0,
    })
    recordRemoval(doc, r)
    expect(await admission.verify(POD, await claim(boLaptop, 'n'))).toBe(false)
    expect(await admission.verify(POD, await claim(bo, 'n'))).toBe(true)
  })

  it('refuses an invite made on the removed device, before or after its removal', async () => {
    expect(await admission.verify(POD, await claim(joiner, 'n', oldLinkProof))).toBe(false)
  })

  it('refuses an old link’s proof once the pod is on a new secret', async () => {
    // Cy makes an invite under the old secret; the pod then moves to a new one.
    const cyInvite = {
      ...unsigned,
      id: 'inv-cy',
      invitedBy: cyId,
      deviceKey: cy.keys.publicKeyText,
    }
    const sig = await sign(cy.keys, new TextEncoder().encode(inviteStatement(POD, cyInvite)))
    recordInvite(doc, { ...cyInvite, signature: sig, withdrawnAt: null })
    const proof = async (secretText: string) => ({
      inviteId: 'inv-cy',
      expiresAt: cyInvite.expiresAt,
      mac: await inviteProof({
        inviteId: 'inv-cy',
        expiresAt: cyInvite.expiresAt,
        secret: secretText,
      }),
    })
    const other = await ring()
    expect(await admission.verify(POD, await claim(other, 'n', await proof(oldSecret)))).toBe(true)
    current = newSecret
    const again = await ring()
    expect(await admission.verify(POD, await claim(again, 'n', await proof(oldSecret)))).toBe(false)
    // …and in the old secret's lobby no invite is taken at all, only members' devices.
    const lobby = roomKeyFor(POD, oldSecret)
    expect(await admission.verify(lobby, await claim(again, 'n', await proof(oldSecret)))).toBe(
      false,
    )
    expect(await admission.verify(lobby, await claim(cy, 'n'))).toBe(true)
    expect(await admission.verify(lobby, await claim(boLaptop, 'n'))).toBe(false)
    current = oldSecret
  })

  it('refuses every device of a removed member once a second member confirmed', async () => {
    const r = await signRemoval(POD, me, {
      id: 'rm-cy',
      memberId: cyId,
      deviceKey: null,
      now: NOW - 20_000,
      epochSeen: 0,
    })
    recordRemoval(doc, r)
    expect(await admission.verify(POD, await claim(cy, 'n'))).toBe(true)
    // A forged confirmation (signed by a key that is not Bo's) changes nothing.
    const forged = await signConfirmation(POD, await ring(), {
      removalId: 'rm-cy',
      now: NOW - 10_000,
      epochSeen: 0,
    })
    recordConfirmation(doc, 'rm-cy', bo.keys.deviceId, { ...forged, by: bo.keys.publicKeyText })
    expect(await admission.verify(POD, await claim(cy, 'n'))).toBe(true)
    delete doc.removals['rm-cy']!.confirmations[bo.keys.deviceId]
    const confirmation = await signConfirmation(POD, bo, {
      removalId: 'rm-cy',
      now: NOW - 10_000,
      epochSeen: 0,
    })
    recordConfirmation(doc, 'rm-cy', bo.keys.deviceId, confirmation)
    expect(await admission.verify(POD, await claim(cy, 'n'))).toBe(false)
  })
})

describe('telling a removed device why it is refused', async () => {
  const ring = async () => ({
    keys: await generateDeviceKeys(),
    sealing: await generateSealingKeys(),
  })
  const [me, bo, stranger] = await Promise.all([ring(), ring(), ring()])
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx)
  addMemberDevice(
    doc,
    founderId,
    { id: me.keys.deviceId, publicKey: me.keys.publicKeyText, label: 'phone' },
    ctx,
  )
  const boId = addMember(
    doc,
    {
      name: 'Bo',
      stage: 'newer',
      device: { id: bo.keys.deviceId, publicKey: bo.keys.publicKeyText, label: 'phone' },
    },
    ctx,
  )
  const removal = await signRemoval(POD, bo, {
    id: 'rm-bo',
    memberId: boId,
    deviceKey: null,
    now: NOW,
    epochSeen: 0,
  })
  recordRemoval(doc, removal)
  const admission = createPodAdmission({
    keys: me.keys,
    entryOf: async () => entry(toBase64Url(randomBytes(32))),
    viewOf: () => legacyCopy(doc),
    now: () => NOW,
  })

  it('sends the removed device its signed removal, and nothing to anyone else', async () => {
    const claim = await claimFrom(bo.keys, 'n')
    expect(await admission.verify(POD, claim)).toBe(false)
    expect(await admission.refusal?.(POD, claim)).toEqual(
      JSON.parse(JSON.stringify(doc.removals['rm-bo'])),
    )
    // Someone who only names Bo's key, without signing our challenge with it, is told nothing.
    expect(
      await admission.refusal?.(POD, {
        ...claim,
        signature: (await claimFrom(stranger.keys, 'n')).signature,
      }),
    ).toBeNull()
    expect(await admission.refusal?.(POD, await claimFrom(stranger.keys, 'n'))).toBeNull()
  })
})

describe('a rejoin from a saved pod file', async () => {
  const keys = await generateDeviceKeys()
  const secret = toBase64Url(randomBytes(32))
  const rejoin = { inviteId: 'saved-link', expiresAt: NOW + 60_000 }
  const credentialsAt = async (now: number) =>
    createPodAdmission({
      keys,
      entryOf: async () => ({ ...entry(secret), rejoin }),
      viewOf: () => null,
      now: () => now,
    }).credentials(roomKeyFor(POD, secret))

  it('is shown in the handshake while the device link lasts', async () => {
    const { invite } = (await credentialsAt(NOW)) as { invite: { inviteId: string } | null }
    expect(invite?.inviteId).toBe('saved-link')
  })

  it('is not shown once the device link has expired', async () => {
    const { invite } = (await credentialsAt(NOW + 60_000)) as { invite: unknown }
    expect(invite).toBeNull()
  })
})
