import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember, setMemberStatus, updateMember } from '../../../src/domain/members.ts'
import {
  STARTER_NORM_PROMPTS,
  adoptedNorms,
  closeRound,
  normHistory,
  proposeNorm,
  respondToNorm,
  retireNorm,
  reviseNorm,
  roundOutcome,
  settleRound,
  withdrawNorm,
} from '../../../src/domain/norms.ts'
import type { ConsentResponse } from '../../../src/schema/podDocument.ts'
import { newPod, testContext } from '../support/testContext.ts'

const HOUR = 60 * 60 * 1000

function podOfThree() {
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx)
  const ben = addMember(doc, { name: 'Ben', stage: 'practising' }, ctx)
  const chen = addMember(doc, { name: 'Chen', stage: 'newer' }, ctx)
  return { ctx, doc, amara: founderId, ben, chen }
}

describe('a consent round', () => {
  it('hides every answer until the last active member has answered, then shows them together', () => {
    const { ctx, doc, amara, ben, chen } = podOfThree()
    const id = proposeNorm(doc, { text: 'Phones face down', proposedBy: amara }, ctx)
    respondToNorm(doc, { normId: id, memberId: amara, response: 'consent' }, ctx)
    respondToNorm(
      doc,
      { normId: id, memberId: ben, response: 'object', reason: 'I am on call' },
      ctx,
    )
    const partway = roundOutcome(doc, id, ctx.now)
    expect(partway).toMatchObject({
      complete: false,
      awaitedCount: 3,
      answeredMemberIds: [amara, ben].sort(),
      waitingOnMemberIds: [chen],
      visibleResponses: null,
      standingObjections: [],
      adoptable: false,
    })
    expect(JSON.stringify(partway)).not.toContain('"object"')
    expect(JSON.stringify(partway)).not.toContain('on call')
    respondToNorm(doc, { normId: id, memberId: chen, response: 'stand-aside' }, ctx)
    const done = roundOutcome(doc, id, ctx.now)
    expect(done.complete).toBe(true)
    expect(done.visibleResponses).toEqual({
      [amara]: { response: 'consent', reason: null, at: ctx.now },
      [ben]: { response: 'object', reason: 'I am on call', at: ctx.now },
      [chen]: { response: 'stand-aside', reason: null, at: ctx.now },
    })
    expect(done.standingObjections).toEqual([{ memberId: ben, reason: 'I am on call' }])
    expect(done.adoptable).toBe(false)
  })

  it('adopts a norm when everyone answered, someone consents and nobody objects', () => {
    const { ctx, doc, amara, ben, chen } = podOfThree()
    const id = proposeNorm(doc, { text: 'Stories stay in the circle', proposedBy: ben }, ctx)
    expect(settleRound(doc, id, ctx)).toBe('waiting')
    expect(doc.norms[id]?.status).toBe('proposed')
    for (const [memberId, response] of [
      [amara, 'consent'],
      [ben, 'consent'],
      [chen, 'stand-aside'],
    ] as const) {
      respondToNorm(doc, { normId: id, memberId, response }, ctx)
    }
    ctx.advance(HOUR)
    expect(settleRound(doc, id, ctx)).toBe('adopted')
    expect(doc.norms[id]).toMatchObject({ status: 'adopted', adoptedAt: ctx.now })
    expect(Object.values(doc.norms[id]?.rounds ?? {})[0]?.closedAt).toBe(ctx.now)
    expect(adoptedNorms(doc).map((n) => n.id)).toEqual([id])
  })

  it('keeps a proposal with a standing objection, and the revised proposal supersedes it', () => {
    const { ctx, doc, amara, ben, chen } = podOfThree()
    const id = proposeNorm(doc, { text: 'Cameras on', proposedBy: amara }, ctx)
    respondToNorm(doc, { normId: id, memberId: amara, response: 'consent' }, ctx)
    respondToNorm(doc, { normId: id, memberId: ben, response: 'object', reason: 'Bandwidth' }, ctx)
    respondToNorm(doc, { normId: id, memberId: chen, response: 'consent' }, ctx)
    expect(settleRound(doc, id, ctx)).toBe('objected')
    expect(doc.norms[id]?.status).toBe('proposed')
    expect(roundOutcome(doc, id, ctx.now).standingObjections).toEqual([
      { memberId: ben, reason: 'Bandwidth' },
    ])
    ctx.advance(HOUR)
    const revised = reviseNorm(
      doc,
      { normId: id, text: 'Cameras on when bandwidth allows', proposedBy: ben },
      ctx,
    )
    expect(doc.norms[id]?.status).toBe('revised')
    expect(doc.norms[revised]).toMatchObject({ status: 'proposed', revises: id })
    expect(normHistory(doc, revised).map((n) => n.id)).toEqual([id, revised])
  })

  it('lets a member change their answer while the round is open, and not after', () => {
    const { ctx, doc, amara, ben, chen } = podOfThree()
    const id = proposeNorm(doc, { text: 'Start on time', proposedBy: amara }, ctx)
    respondToNorm(doc, { normId: id, memberId: ben, response: 'object', reason: 'Buses' }, ctx)
    ctx.advance(HOUR)
    respondToNorm(doc, { normId: id, memberId: ben, response: 'consent' }, ctx)
    respondToNorm(doc, { normId: id, memberId: amara, response: 'consent' }, ctx)
    respondToNorm(doc, { normId: id, memberId: chen, response: 'consent' }, ctx)
    expect(roundOutcome(doc, id, ctx.now).visibleResponses?.[ben]).toEqual({
      response: 'consent',
      reason: null,
      at: ctx.now,
    })
    closeRound(doc, id, ctx)
    expect(() =>
      respondToNorm(doc, { normId: id, memberId: ben, response: 'object', reason: 'Late' }, ctx),
    ).toThrow(DomainError)
  })

  it('needs a reason for an objection and an active member to answer', () => {
    const { ctx, doc, amara, ben } = podOfThree()
    const id = proposeNorm(doc, { text: 'Start on time', proposedBy: amara }, ctx)
    expect(() =>
      respondToNorm(doc, { normId: id, memberId: ben, response: 'object', reason: '  ' }, ctx),
    ).toThrow('An objection needs a reason')
    setMemberStatus(doc, ben, 'paused', ctx)
    expect(() =>
      respondToNorm(doc, { normId: id, memberId: ben, response: 'consent' }, ctx),
    ).toThrow(DomainError)
    expect(Object.values(doc.norms[id]?.rounds ?? {})[0]?.responses).toEqual({})
  })

  it('waits only for active members who are not away, and shows everything once closed', () => {
    const { ctx, doc, amara, chen } = podOfThree()
    updateMember(doc, chen, { awayUntil: ctx.now + 30 * 24 * HOUR }, ctx)
    const id = proposeNorm(doc, { text: 'Rotate the snacks', proposedBy: amara }, ctx)
    respondToNorm(doc, { normId: id, memberId: amara, response: 'consent' }, ctx)
    expect(roundOutcome(doc, id, ctx.now)).toMatchObject({ complete: false, awaitedCount: 2 })
    closeRound(doc, id, ctx)
    expect(roundOutcome(doc, id, ctx.now)).toMatchObject({
      complete: true,
      closed: true,
      waitingOnMemberIds: [],
      visibleResponses: { [amara]: { response: 'consent' } },
      adoptable: true,
    })
  })

  it('does not adopt a round closed with only stand-asides, or nobody answering', () => {
    const { ctx, doc, amara } = podOfThree()
    const id = proposeNorm(doc, { text: 'Silence is consent', proposedBy: amara }, ctx)
    closeRound(doc, id, ctx)
    expect(settleRound(doc, id, ctx)).toBe('no-consent')
    expect(doc.norms[id]?.status).toBe('proposed')
  })

  it('drops the objection of a member who has left', () => {
    const { ctx, doc, amara, ben, chen } = podOfThree()
    const id = proposeNorm(doc, { text: 'Meet weekly', proposedBy: amara }, ctx)
    respondToNorm(doc, { normId: id, memberId: ben, response: 'object', reason: 'Too often' }, ctx)
    respondToNorm(doc, { normId: id, memberId: amara, response: 'consent' }, ctx)
    respondToNorm(doc, { normId: id, memberId: chen, response: 'consent' }, ctx)
    setMemberStatus(doc, ben, 'left', ctx)
    expect(settleRound(doc, id, ctx)).toBe('adopted')
  })
})

describe('the living charter', () => {
  function adopt(
    doc: ReturnType<typeof podOfThree>['doc'],
    id: string,
    ctx: ReturnType<typeof testContext>,
  ) {
    for (const member of Object.values(doc.members)) {
      if (member.status === 'active') {
        respondToNorm(doc, { normId: id, memberId: member.id, response: 'consent' }, ctx)
      }
    }
    expect(settleRound(doc, id, ctx)).toBe('adopted')
  }

  it('keeps an adopted norm in force until its revision is adopted, then marks it revised', () => {
    const { ctx, doc, amara, ben } = podOfThree()
    const original = proposeNorm(doc, { text: 'Phones off', proposedBy: amara }, ctx)
    adopt(doc, original, ctx)
    ctx.advance(HOUR)
    const revision = reviseNorm(
      doc,
      { normId: original, text: 'Phones face down', proposedBy: ben },
      ctx,
    )
    expect(adoptedNorms(doc).map((n) => n.text)).toEqual(['Phones off'])
    ctx.advance(HOUR)
    adopt(doc, revision, ctx)
    expect(doc.norms[original]?.status).toBe('revised')
    expect(adoptedNorms(doc).map((n) => n.text)).toEqual(['Phones face down'])
    expect(normHistory(doc, original).map((n) => n.text)).toEqual([
      'Phones off',
      'Phones face down',
    ])
  })

  it('orders adopted norms by when they were adopted, not proposed', () => {
    const { ctx, doc, amara } = podOfThree()
    const first = proposeNorm(doc, { text: 'First proposed', proposedBy: amara }, ctx)
    ctx.advance(HOUR)
    const second = proposeNorm(doc, { text: 'Second proposed', proposedBy: amara }, ctx)
    adopt(doc, second, ctx)
    ctx.advance(HOUR)
    adopt(doc, first, ctx)
    expect(adoptedNorms(doc).map((n) => n.id)).toEqual([second, first])
  })

  it('retires an adopted norm and withdraws a proposal, keeping both in the record', () => {
    const { ctx, doc, amara } = podOfThree()
    const kept = proposeNorm(doc, { text: 'Keep it', proposedBy: amara }, ctx)
    adopt(doc, kept, ctx)
    retireNorm(doc, kept, ctx)
    expect(doc.norms[kept]).toMatchObject({ status: 'retired', retiredAt: ctx.now })
    const dropped = proposeNorm(doc, { text: 'Drop it', proposedBy: amara }, ctx)
    expect(() => retireNorm(doc, dropped, ctx)).toThrow(DomainError)
    withdrawNorm(doc, dropped, ctx)
    expect(doc.norms[dropped]?.status).toBe('withdrawn')
    expect(() =>
      reviseNorm(doc, { normId: dropped, text: 'Again', proposedBy: amara }, ctx),
    ).toThrow(DomainError)
    expect(adoptedNorms(doc)).toEqual([])
  })

  it('refuses an empty norm and a proposal by someone who left', () => {
    const { ctx, doc, amara, ben } = podOfThree()
    expect(() => proposeNorm(doc, { text: '  ', proposedBy: amara }, ctx)).toThrow(DomainError)
    setMemberStatus(doc, ben, 'left', ctx)
    expect(() => proposeNorm(doc, { text: 'Hello', proposedBy: ben }, ctx)).toThrow(DomainError)
    expect(doc.norms).toEqual({})
  })

  it('offers the five starter prompts of the first norm-setting circle', () => {
    expect(STARTER_NORM_PROMPTS.map((p) => p.id)).toEqual([
      'confidentiality',
      'disagreement',
      'speaking-time',
      'phones',
      'missing',
    ])
    for (const prompt of STARTER_NORM_PROMPTS) expect(prompt.prompt.trim()).not.toBe('')
  })
})

describe('consent rule (property)', () => {
  const answer = fc.constantFrom<ConsentResponse | null>('consent', 'stand-aside', 'object', null)

  it('is adoptable exactly when everyone answered, someone consents and nobody objects; hidden before', () => {
    fc.assert(
      fc.property(
        fc.array(answer, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (answers, close) => {
          const ctx = testContext()
          const { doc, founderId } = newPod(ctx)
          const ids = [founderId]
          for (let i = 1; i < answers.length; i++) {
            ids.push(addMember(doc, { name: `M${i}`, stage: 'newer' }, ctx))
          }
          const id = proposeNorm(doc, { text: 'A norm', proposedBy: founderId }, ctx)
          answers.forEach((response, i) => {
            if (response === null) return
            respondToNorm(
              doc,
              { normId: id, memberId: ids[i] as string, response, reason: 'why' },
              ctx,
            )
          })
          if (close) closeRound(doc, id, ctx)
          const outcome = roundOutcome(doc, id, ctx.now)
          const given = answers.filter((a) => a !== null)
          const complete = close || given.length === answers.length
          expect(outcome.complete).toBe(complete)
          expect(outcome.answeredMemberIds).toHaveLength(given.length)
          if (!complete) expect(outcome.visibleResponses).toBeNull()
          else expect(Object.keys(outcome.visibleResponses ?? {})).toHaveLength(given.length)
          expect(outcome.adoptable).toBe(
            complete && given.includes('consent') && !given.includes('object'),
          )
        },
      ),
      { numRuns: 100 },
    )
  })
})
