import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  founderPodKey,
  signConfirmation,
  signMemberChanges,
  signRemoval,
  verifiedPodOf,
} from '../../../src/adapters/crypto/podKeyring.ts'
import { generateDeviceKeys, type DeviceKeys } from '../../../src/adapters/crypto/deviceIdentity.ts'
import { generateSealingKeys } from '../../../src/adapters/crypto/sealing.ts'
import {
  certId,
  createdValue,
  memberCertStatement,
  memberChanges,
  recordMemberChanges,
} from '../../../src/domain/memberSignatures.ts'
import { recordConfirmation, recordRemoval } from '../../../src/domain/keyEpochs.ts'
import { addMember, addMemberDevice, updateMember } from '../../../src/domain/members.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { readPodSize } from '../../../src/domain/podQueries.ts'
import type { CommandContext } from '../../../src/domain/commandContext.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { testContext } from '../support/testContext.ts'
import { sign } from '../../../src/adapters/crypto/deviceIdentity.ts'

const encoder = new TextEncoder()
const device = (keys: DeviceKeys, label: string) => ({
  id: keys.deviceId,
  publicKey: keys.publicKeyText,
  label,
})

/** Runs a member-list command on `doc` signed by `keys`, as the hook layer does. */
async function signed<T>(
  doc: PodDoc,
  podKey: string,
  keys: DeviceKeys,
  ctx: CommandContext,
  command: (d: PodDoc, c: CommandContext) => T,
  founderProof: string | null = null,
): Promise<T> {
  const before = structuredClone(doc)
  const result = command(doc, ctx)
  const changes = memberChanges(before, doc, { by: keys.publicKeyText, at: ctx.now, founderProof })
  recordMemberChanges(doc, await signMemberChanges(podKey, keys, changes))
  return result
}

/** What every device reads: the parsed pod, then only what its signatures allow. */
async function read(doc: PodDoc, podKey: string) {
  const parsed = parsePodDoc(structuredClone(doc))
  if (!parsed.ok) throw new Error(parsed.problems.join(' '))
  return verifiedPodOf(parsed.view, podKey)
}

/** A pod founded by Amara's device (its key derived from hers), with Bo added by her. */
async function founded() {
  const ctx = testContext()
  const amara = await generateDeviceKeys()
  const bo = await generateDeviceKeys()
  const nonce = 'nonce-1'
  const podKey = founderPodKey(amara.publicKeyText, nonce)
  const doc = {} as PodDoc
  const amaraId = await signed(
    doc,
    podKey,
    amara,
    ctx,
    (d, c) =>
      initPod(
        d,
        {
          name: 'Pod',
          purpose: '',
          kind: 'learning-pod',
          founder: { name: 'Amara', stage: 'experienced' },
          device: device(amara, 'phone'),
        },
        c,
      ),
    nonce,
  )
  ctx.advance(60_000)
  const boId = await signed(doc, podKey, amara, ctx, (d, c) =>
    addMember(d, { name: 'Bo', stage: 'newer', device: device(bo, 'phone') }, c),
  )
  return { ctx, doc, podKey, amara, bo, amaraId, boId }
}

describe('signed membership', () => {
  it('counts the founder and the members an active member added, with signed edits', async () => {
    const { ctx, doc, podKey, amara, amaraId, boId } = await founded()
    ctx.advance(60_000)
    await signed(doc, podKey, amara, ctx, (d, c) =>
      updateMember(d, boId, { stage: 'practising' }, c),
    )
    const { view, keyState } = await read(doc, podKey)
    expect(Object.values(view.members).map((m) => [m.id, m.name, m.stage, m.status])).toEqual([
      [amaraId, 'Amara', 'experienced', 'active'],
      [boId, 'Bo', 'practising', 'active'],
    ])
    expect(keyState.ignored).toEqual([])
  })

  it('a founder claim under another pod key proves nothing', async () => {
    const { doc } = await founded()
    const { view, keyState } = await read(doc, 'some-other-pod')
    expect(Object.keys(view.members)).toEqual([])
    expect(keyState.ignored.length).toBeGreaterThan(0)
  })

  it('ignores and reports what a hostile member writes straight into the document', async () => {
    const { ctx, doc, podKey, amara, bo, amaraId, boId } = await founded()
    const eve = await generateDeviceKeys()
    const outsider = await generateDeviceKeys()
    ctx.advance(60_000)
    // 1. An unsigned member, with a device (Bo's device writes it as plain data).
    doc.members['eve'] = {
      ...structuredClone(doc.members[boId]!),
      id: 'eve',
      name: 'Eve',
      legacy: null,
      devices: {
        e: { ...device(eve, 'laptop'), id: 'e', addedAt: ctx.now, sealingKey: null },
      } as never,
    }
    doc.members['eve']!.devices['e'] = {
      ...device(eve, 'laptop'),
      id: 'e',
      addedAt: ctx.now,
      sealingKey: null,
      sealingKeySignature: null,
      addedBy: null,
      signature: null,
    }
    // 2. A member whose creation claims Amara's device, with a signature over something else.
    doc.members['mal'] = { ...structuredClone(doc.members[boId]!), id: 'mal', name: 'Mal' }
    const forged = {
      id: certId('mal', 'created'),
      memberId: 'mal',
      field: 'created' as const,
      value: createdValue({ ...doc.members['mal']!, name: 'Mal' }),
      by: amara.publicKeyText,
      at: ctx.now,
      proof: null,
    }
    doc.memberCerts[forged.id] = {
      ...forged,
      signature: await sign(bo, encoder.encode(memberCertStatement(podKey, forged))),
    }
    // 3. Amara marked left, truly signed — by a key that is no member's device.
    const left = {
      id: certId(amaraId, 'status'),
      memberId: amaraId,
      field: 'status' as const,
      value: 'left',
      by: outsider.publicKeyText,
      at: ctx.now,
      proof: null,
    }
    doc.memberCerts[left.id] = {
      ...left,
      signature: await sign(outsider, encoder.encode(memberCertStatement(podKey, left))),
    }
    doc.members[amaraId]!.status = 'left'
    // An honest change made meanwhile still applies.
    await signed(doc, podKey, amara, ctx, (d, c) => updateMember(d, boId, { name: 'Bo N.' }, c))

    const { view, keyState } = await read(doc, podKey)
    expect(Object.values(view.members).map((m) => [m.name, m.status])).toEqual([
      ['Amara', 'active'],
      ['Bo N.', 'active'],
    ])
    expect(readPodSize(view).activeCount).toBe(2)
    expect(keyState.activeDevices.map((d) => d.deviceKey).sort()).toEqual(
      [amara.publicKeyText, bo.publicKeyText].sort(),
    )
    expect(keyState.ignored).toEqual(
      expect.arrayContaining([
        'A member (Eve) was ignored: it is not signed.',
        'A member (Mal) was ignored: its signature does not verify.',
        expect.stringMatching(
          /^A change of Amara’s status was ignored: the device that made it \(.{8}\) was not an active member's\.$/,
        ),
      ]),
    )
  })

  it('never shows a value whose signed entry was altered afterwards (property)', async () => {
    const { ctx, doc, podKey, amara, boId } = await founded()
    ctx.advance(60_000)
    await signed(doc, podKey, amara, ctx, (d, c) => updateMember(d, boId, { name: 'Bo' }, c))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(doc.memberCerts)),
        fc.string({ minLength: 1, maxLength: 12 }),
        async (id, text) => {
          const tampered = structuredClone(doc)
          const cert = tampered.memberCerts[id]!
          const value = cert.field === 'created' ? `["${text}","newer",0,"active",null]` : text
          fc.pre(value !== cert.value)
          cert.value = value
          const { view, keyState } = await read(tampered, podKey)
          const names = Object.values(view.members).map((m) => m.name)
          expect(names).not.toContain(text)
          expect(keyState.ignored.length).toBeGreaterThan(0)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('a removed member reads as left everywhere, with no separate step', async () => {
    const { ctx, doc, podKey, amara, bo, boId } = await founded()
    const boLaptop = await generateDeviceKeys()
    const cy = await generateDeviceKeys()
    ctx.advance(60_000)
    await signed(doc, podKey, bo, ctx, (d, c) =>
      addMemberDevice(d, boId, device(boLaptop, 'laptop'), c),
    )
    const cyId = await signed(doc, podKey, amara, ctx, (d, c) =>
      addMember(d, { name: 'Cy', stage: 'newer', device: device(cy, 'phone') }, c),
    )
    const ring = async (keys: DeviceKeys) => ({ keys, sealing: await generateSealingKeys() })
    // Bo removes both his devices, one at a time (his own: at once).
    for (const key of [boLaptop.publicKeyText, bo.publicKeyText]) {
      ctx.advance(60_000)
      const r = await signRemoval(podKey, await ring(bo), {
        id: `rm-${key.slice(0, 4)}`,
        memberId: boId,
        deviceKey: key,
        now: ctx.now,
        epochSeen: 0,
      })
      recordRemoval(doc, r)
      const { view } = await read(doc, podKey)
      expect(view.members[boId]?.status).toBe(key === bo.publicKeyText ? 'left' : 'active')
    }
    // Amara asks to remove Cy; pending until a second member confirms.
    ctx.advance(60_000)
    recordRemoval(
      doc,
      await signRemoval(podKey, await ring(amara), {
        id: 'rm-cy',
        memberId: cyId,
        deviceKey: null,
        now: ctx.now,
        epochSeen: 0,
      }),
    )
    expect((await read(doc, podKey)).view.members[cyId]?.status).toBe('active')
    // Only Cy and Amara are active now, so nobody else can confirm: Bo's removed device cannot.
    const byBo = await signConfirmation(podKey, await ring(bo), {
      removalId: 'rm-cy',
      now: ctx.now + 1,
      epochSeen: 0,
    })
    recordConfirmation(doc, 'rm-cy', bo.deviceId, byBo)
    const { view } = await read(doc, podKey)
    expect(view.members[cyId]?.status).toBe('active')
    expect(readPodSize(view).activeCount).toBe(2)
    expect(Object.values(view.members).map((m) => [m.name, m.status])).toEqual([
      ['Amara', 'active'],
      ['Bo', 'left'],
      ['Cy', 'active'],
    ])
  })
})
