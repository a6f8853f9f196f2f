import { describe, expect, it } from 'vitest'
import {
  addMember,
  addMemberDevice,
  setMemberStatus,
  updateMember,
} from '../../../src/domain/members.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { DEFAULT_ROLES, updatePodDetails } from '../../../src/domain/pods.ts'
import { newPod, testContext } from '../support/testContext.ts'

describe('initPod', () => {
  it('creates the pod with its founder as the only active member and the default roles', () => {
    const ctx = testContext()
    const { doc, founderId } = newPod(ctx)
    expect(doc.schemaVersion).toBe(7)
    expect(doc.migrations).toEqual({
      'pod/1-initial': 1,
      'pod/2-formats': 2,
      'pod/3-invites': 3,
      'pod/4-corrections': 4,
      'pod/5-invite-uses': 5,
      'pod/6-key-epochs': 6,
      'pod/7-signed-members': 7,
    })
    expect([doc.removals, doc.keyEpochs, doc.keyGrants, doc.memberCerts]).toEqual([{}, {}, {}, {}])
    expect(doc.pod).toMatchObject({
      name: 'Wednesday organisers',
      kind: 'learning-pod',
      createdBy: founderId,
    })
    expect(Object.values(doc.members)).toEqual([
      expect.objectContaining({
        id: founderId,
        name: 'Amara',
        stage: 'experienced',
        status: 'active',
      }),
    ])
    expect(Object.values(doc.roles).map((r) => r.name)).toEqual(DEFAULT_ROLES.map((r) => r.name))
    for (const key of [
      'containers',
      'norms',
      'roleSwaps',
      'pairings',
      'meetings',
      'outsideRelationships',
      'formats',
      'invites',
      'corrections',
      'inviteUses',
    ] as const) {
      expect(doc[key]).toEqual({})
    }
  })

  it('refuses an empty pod name and leaves nothing half-made', () => {
    const ctx = testContext()
    expect(() => newPod(ctx, { name: '   ' })).toThrow(DomainError)
    expect(() => newPod(ctx, { name: '   ' })).toThrow('The pod name cannot be empty.')
  })

  it('records the founding device so peers can recognise it', () => {
    const ctx = testContext()
    const { doc, founderId } = newPod(ctx, {
      device: { id: 'dev1', publicKey: 'pk1', label: 'Mac' },
    })
    expect(doc.members[founderId]?.devices).toEqual({
      dev1: {
        id: 'dev1',
        publicKey: 'pk1',
        label: 'Mac',
        addedAt: ctx.now,
        // Published by the device itself once it runs (a signed X25519 key).
        sealingKey: null,
        sealingKeySignature: null,
        // Signed by the hook layer with the founder's creation (memberSignatures.ts).
        addedBy: null,
        signature: null,
      },
    })
  })
})

describe('members', () => {
  it('adds a member with trimmed name, stage and joined date', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const id = addMember(doc, { name: '  Bo  ', stage: 'newer', joinedAt: 1000 }, ctx)
    expect(doc.members[id]).toMatchObject({
      name: 'Bo',
      stage: 'newer',
      joinedAt: 1000,
      status: 'active',
      awayUntil: null,
    })
  })

  it('defaults the joined date to now', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const id = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    expect(doc.members[id]?.joinedAt).toBe(ctx.now)
  })

  it('edits only the fields that changed and stamps the edit', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const id = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    ctx.advance(5000)
    updateMember(doc, id, { stage: 'practising' }, ctx)
    expect(doc.members[id]).toMatchObject({ name: 'Bo', stage: 'practising', updatedAt: ctx.now })
    const before = doc.members[id]?.updatedAt
    ctx.advance(5000)
    updateMember(doc, id, { name: 'Bo' }, ctx)
    expect(doc.members[id]?.updatedAt).toBe(before)
  })

  it('marks a member paused or left without deleting them', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const id = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    setMemberStatus(doc, id, 'paused', ctx)
    expect(doc.members[id]?.status).toBe('paused')
    setMemberStatus(doc, id, 'left', ctx)
    expect(doc.members[id]?.status).toBe('left')
    expect(Object.keys(doc.members)).toContain(id)
  })

  it('says clearly when the member does not exist or the name is empty', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    expect(() => setMemberStatus(doc, 'nobody', 'left', ctx)).toThrow(
      'That member is not in this pod.',
    )
    const id = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    expect(() => updateMember(doc, id, { name: ' ' }, ctx)).toThrow(
      'The member name cannot be empty.',
    )
    expect(doc.members[id]?.name).toBe('Bo')
  })

  it('adds a device once', () => {
    const ctx = testContext()
    const { doc, founderId } = newPod(ctx)
    addMemberDevice(doc, founderId, { id: 'd', publicKey: 'k', label: 'Phone' }, ctx)
    ctx.advance(10)
    addMemberDevice(doc, founderId, { id: 'd', publicKey: 'k', label: 'Phone' }, ctx)
    expect(Object.keys(doc.members[founderId]?.devices ?? {})).toEqual(['d'])
    expect(doc.members[founderId]?.devices['d']?.addedAt).toBe(ctx.now - 10)
  })

  it('edits pod details field by field', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    updatePodDetails(doc, { purpose: ' New purpose ' })
    expect(doc.pod).toMatchObject({ name: 'Wednesday organisers', purpose: 'New purpose' })
  })
})
