import { describe, expect, it } from 'vitest'
import {
  INVITE_LIFETIME_MS,
  inviteStatement,
  judgeInvite,
  openInvites,
  recordInvite,
  recordInviteUse,
  withdrawInvite,
} from '../../../src/domain/invites.ts'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { newPod, testContext } from '../support/testContext.ts'

describe('invite records', () => {
  const ctx = testContext()
  const { doc } = newPod(ctx)
  const bo = addMember(
    doc,
    { name: 'Bo', stage: 'newer', device: { id: 'dev-bo', publicKey: 'key-bo', label: 'phone' } },
    ctx,
  )
  const record = (id: string, over: Partial<Parameters<typeof recordInvite>[1]> = {}) => ({
    id,
    invitedBy: bo,
    deviceKey: 'key-bo',
    createdAt: ctx.now,
    expiresAt: ctx.now + INVITE_LIFETIME_MS,
    uses: 1,
    forMember: null,
    signature: 'sig',
    withdrawnAt: null,
    ...over,
  })

  it('records an invite made on a member’s device, once', () => {
    recordInvite(doc, record('i1'))
    expect(doc.invites['i1']).toEqual(record('i1'))
    expect(() => recordInvite(doc, record('i1'))).toThrow(DomainError)
    expect(judgeInvite(doc, 'i1', ctx.now + 1)).toEqual({ ok: true, record: record('i1') })
  })

  it('refuses an invite from a key no member lists, for another member, or over two weeks', () => {
    expect(() => recordInvite(doc, record('i2', { deviceKey: 'key-x' }))).toThrow(/member/)
    expect(() => recordInvite(doc, record('i3', { invitedBy: 'someone-else' }))).toThrow(/member/)
    const tooLong = record('i4', { expiresAt: ctx.now + INVITE_LIFETIME_MS + 1 })
    expect(() => recordInvite(doc, tooLong)).toThrow(/two weeks/)
    expect(() => recordInvite(doc, record('i5', { expiresAt: ctx.now }))).toThrow(/two weeks/)
  })

  it('judges by the record: unknown, expired, too long, or made by someone who left', () => {
    expect(judgeInvite(doc, 'nope', ctx.now)).toEqual({ ok: false, reason: 'unknown' })
    expect(judgeInvite(doc, '__proto__', ctx.now)).toEqual({ ok: false, reason: 'unknown' })
    expect(judgeInvite(doc, 'i1', ctx.now + INVITE_LIFETIME_MS)).toEqual({
      ok: false,
      reason: 'expired',
    })
    doc.invites['i6'] = record('i6', { expiresAt: ctx.now + 2 * INVITE_LIFETIME_MS })
    expect(judgeInvite(doc, 'i6', ctx.now)).toEqual({ ok: false, reason: 'too-long' })
    setMemberStatus(doc, bo, 'left', ctx)
    expect(judgeInvite(doc, 'i1', ctx.now)).toEqual({ ok: false, reason: 'inviter-gone' })
  })

  it('counts uses by device, admits as many as chosen, and refuses once withdrawn', () => {
    setMemberStatus(doc, bo, 'active', ctx)
    recordInvite(doc, record('i8', { uses: 2 }))
    expect(() => recordInvite(doc, record('i9', { uses: 0 }))).toThrow(/from 1 to 20/)
    expect(() => recordInvite(doc, record('i9', { uses: 21 }))).toThrow(/from 1 to 20/)
    recordInviteUse(doc, { inviteId: 'i8', memberId: 'm1', deviceKey: 'k1' }, ctx)
    recordInviteUse(doc, { inviteId: 'i8', memberId: 'm1', deviceKey: 'k1' }, ctx)
    expect(Object.keys(doc.inviteUses)).toHaveLength(1)
    expect(judgeInvite(doc, 'i8', ctx.now).ok).toBe(true)
    expect(openInvites(doc, ctx.now).find((o) => o.record.id === 'i8')?.left).toBe(1)
    recordInviteUse(doc, { inviteId: 'i8', memberId: 'm2', deviceKey: 'k2' }, ctx)
    expect(judgeInvite(doc, 'i8', ctx.now)).toEqual({ ok: false, reason: 'used-up' })
    // A device that joined with it may present it again (it is a member by then anyway).
    expect(judgeInvite(doc, 'i8', ctx.now, 'k2').ok).toBe(true)
    expect(openInvites(doc, ctx.now).map((o) => o.record.id)).not.toContain('i8')
    recordInvite(doc, record('i10'))
    expect(() => withdrawInvite(doc, { inviteId: 'i10', memberId: 'nobody' }, ctx)).toThrow(
      /Only a member/,
    )
    withdrawInvite(doc, { inviteId: 'i10', memberId: bo }, ctx)
    expect(judgeInvite(doc, 'i10', ctx.now)).toEqual({ ok: false, reason: 'withdrawn' })
  })

  it('makes a device link only for its maker, for one device', () => {
    const amara = Object.values(doc.members).find((m) => m.name !== 'Bo')!.id
    expect(() => recordInvite(doc, record('d1', { forMember: amara }))).toThrow(
      /to the member who made it/,
    )
    expect(() => recordInvite(doc, record('d2', { forMember: bo, uses: 2 }))).toThrow(
      /to the member who made it/,
    )
    recordInvite(doc, record('d3', { forMember: bo }))
    expect(judgeInvite(doc, 'd3', ctx.now).ok).toBe(true)
    // A record a peer changed to name someone else admits no one.
    doc.invites['d3']!.forMember = amara
    expect(judgeInvite(doc, 'd3', ctx.now)).toEqual({ ok: false, reason: 'inviter-gone' })
  })

  it('signs every field but the signature, and the pod', () => {
    const base = record('i7')
    const statement = inviteStatement('pod-a', base)
    expect(inviteStatement('pod-b', base)).not.toBe(statement)
    for (const field of ['id', 'invitedBy', 'deviceKey', 'forMember'] as const)
      expect(inviteStatement('pod-a', { ...base, [field]: 'x' })).not.toBe(statement)
    for (const field of ['createdAt', 'expiresAt', 'uses'] as const)
      expect(inviteStatement('pod-a', { ...base, [field]: 3 })).not.toBe(statement)
    expect(inviteStatement('pod-a', { ...base, signature: 'other' } as never)).toBe(statement)
  })
})
