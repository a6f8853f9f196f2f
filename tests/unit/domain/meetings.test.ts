import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember } from '../../../src/domain/members.ts'
import {
  addAction,
  addCheckIn,
  addInsight,
  assignRoleHolders,
  carriedActions,
  completeAction,
  findInsight,
  holdMeeting,
  linkInsight,
  nextMeeting,
  reopenAction,
  scheduleMeeting,
  setAttendance,
  setNotesUrl,
  startAdHocCircle,
} from '../../../src/domain/meetings.ts'
import { rotationFor } from '../../../src/domain/roleRotation.ts'
import { newPod, testContext } from '../support/testContext.ts'

const WEEK = 7 * 24 * 60 * 60 * 1000

function pod() {
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx)
  const ben = addMember(doc, { name: 'Ben', stage: 'practising', joinedAt: ctx.now + 1 }, ctx)
  const chen = addMember(doc, { name: 'Chen', stage: 'newer', joinedAt: ctx.now + 2 }, ctx)
  const plan = (weeks: number) =>
    scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now + weeks * WEEK, notesUrl: null },
      ctx,
    )
  return { ctx, doc, amara: founderId, ben, chen, plan }
}

describe('scheduling', () => {
  it('plans a meeting with empty records and null, never undefined, fields', () => {
    const { ctx, doc, plan } = pod()
    const id = plan(1)
    expect(doc.meetings[id]).toEqual({
      id,
      containerId: null,
      scheduledFor: ctx.now + WEEK,
      status: 'planned',
      reason: null,
      rescheduledTo: null,
      heldAt: null,
      attendance: {},
      roleHolders: {},
      checkIns: {},
      insights: {},
      actions: {},
      notesUrl: null,
      formatId: null,
      createdAt: ctx.now,
    })
  })

  it('refuses a container the pod does not have, and a date that is not one', () => {
    const { ctx, doc } = pod()
    expect(() =>
      scheduleMeeting(doc, { containerId: 'nope', scheduledFor: ctx.now, notesUrl: null }, ctx),
    ).toThrow(DomainError)
    expect(() =>
      scheduleMeeting(doc, { containerId: null, scheduledFor: Number.NaN, notesUrl: null }, ctx),
    ).toThrow(DomainError)
    expect(doc.meetings).toEqual({})
  })

  it('starts an ad hoc circle now, and it is the next meeting', () => {
    const { ctx, doc, plan } = pod()
    plan(1)
    const id = startAdHocCircle(doc, { notesUrl: 'automerge:notes' }, ctx)
    expect(doc.meetings[id]).toMatchObject({ scheduledFor: ctx.now, notesUrl: 'automerge:notes' })
    expect(nextMeeting(doc, ctx.now)?.id).toBe(id)
  })

  it('finds the next planned meeting at or after now, skipping held and skipped ones', () => {
    const { ctx, doc, plan } = pod()
    const first = plan(1)
    const second = plan(2)
    const third = plan(3)
    holdMeeting(doc, first, ctx)
    ;(doc.meetings[second] as { status: string }).status = 'skipped'
    expect(nextMeeting(doc, ctx.now)?.id).toBe(third)
    expect(nextMeeting(doc, ctx.now + 3 * WEEK + 1)).toBeNull()
  })

  it('links a meeting to its notes document', () => {
    const { doc, plan } = pod()
    const id = plan(1)
    setNotesUrl(doc, id, 'automerge:abc')
    expect(doc.meetings[id]?.notesUrl).toBe('automerge:abc')
  })
})

describe('attendance and roles', () => {
  it('records attendance per member and refuses a stranger', () => {
    const { doc, plan, ben } = pod()
    const id = plan(1)
    setAttendance(doc, id, ben, 'excused')
    expect(doc.meetings[id]?.attendance).toEqual({ [ben]: 'excused' })
    expect(() => setAttendance(doc, id, 'stranger', 'present')).toThrow(DomainError)
  })

  it('fills only the roles not yet set, from the rotation', () => {
    const { doc, plan, chen } = pod()
    const id = plan(1)
    const facilitator = Object.values(doc.roles).find((r) => r.name === 'Facilitator')?.id as string
    ;(doc.meetings[id] as { roleHolders: Record<string, string> }).roleHolders[facilitator] = chen
    const expected = rotationFor(doc, { meetingId: id })
    const filled = assignRoleHolders(doc, id)
    expect(filled).not.toContain(facilitator)
    expect(doc.meetings[id]?.roleHolders).toEqual(expected)
    expect(doc.meetings[id]?.roleHolders[facilitator]).toBe(chen)
  })

  it('holds a meeting: confirms the roles, marks it held, and keeps the first heldAt', () => {
    const { ctx, doc, plan, amara, ben, chen } = pod()
    const id = plan(1)
    for (const m of [amara, ben, chen]) setAttendance(doc, id, m, 'present')
    const expected = rotationFor(doc, { meetingId: id })
    holdMeeting(doc, id, ctx)
    const heldAt = ctx.now
    expect(doc.meetings[id]).toMatchObject({ status: 'held', heldAt, roleHolders: expected })
    ctx.advance(1000)
    holdMeeting(doc, id, ctx)
    expect(doc.meetings[id]?.heldAt).toBe(heldAt)
    // The next circle's holders follow on from the one just held.
    const next = plan(2)
    expect(rotationFor(doc, { meetingId: next })).not.toEqual(expected)
  })
})

describe('what a circle records', () => {
  it('adds check-ins', () => {
    const { ctx, doc, plan, ben } = pod()
    const id = plan(1)
    const checkIn = addCheckIn(doc, id, { memberId: ben, text: ' Tired but glad ' }, ctx)
    expect(doc.meetings[id]?.checkIns[checkIn]).toEqual({
      id: checkIn,
      memberId: ben,
      text: 'Tired but glad',
      at: ctx.now,
      withdrawnAt: null,
      withdrawnBy: null,
    })
    expect(() => addCheckIn(doc, id, { memberId: ben, text: '' }, ctx)).toThrow(DomainError)
  })

  it('records insights with tidy tags and links a question to the breakthrough it led to', () => {
    const { ctx, doc, plan, amara, ben } = pod()
    const first = plan(1)
    const second = plan(2)
    const question = addInsight(
      doc,
      first,
      {
        kind: 'question',
        text: 'How do we share power?',
        tags: ['Power', '#power', ' '],
        authorId: amara,
      },
      ctx,
    )
    expect(doc.meetings[first]?.insights[question]).toMatchObject({
      tags: ['power'],
      ledTo: null,
      respondsTo: null,
    })
    const breakthrough = addInsight(
      doc,
      second,
      { kind: 'breakthrough', text: 'Rotate the chair', authorId: ben, respondsTo: question },
      ctx,
    )
    linkInsight(doc, question, { ledTo: breakthrough })
    expect(findInsight(doc, question)).toMatchObject({
      meetingId: first,
      insight: { ledTo: breakthrough },
    })
    expect(doc.meetings[second]?.insights[breakthrough]?.respondsTo).toBe(question)
    expect(() => linkInsight(doc, question, { ledTo: question })).toThrow(DomainError)
    expect(() => linkInsight(doc, question, { ledTo: 'missing' })).toThrow(DomainError)
    linkInsight(doc, question, { ledTo: null })
    expect(findInsight(doc, question)?.insight.ledTo).toBeNull()
  })

  it('refuses an insight that links to nothing or has no text', () => {
    const { ctx, doc, plan, amara } = pod()
    const id = plan(1)
    expect(() =>
      addInsight(doc, id, { kind: 'learning', text: 'x', authorId: amara, ledTo: 'missing' }, ctx),
    ).toThrow(DomainError)
    expect(() =>
      addInsight(doc, id, { kind: 'learning', text: ' ', authorId: amara }, ctx),
    ).toThrow(DomainError)
    expect(doc.meetings[id]?.insights).toEqual({})
  })

  it('carries open actions from earlier circles into the next, oldest first', () => {
    const { ctx, doc, plan, amara, ben } = pod()
    const first = plan(1)
    const second = plan(2)
    const third = plan(3)
    const a1 = addAction(doc, first, { text: 'Book the room', ownerId: amara }, ctx)
    const a2 = addAction(doc, first, { text: 'Draft the flyer', ownerId: ben }, ctx)
    ctx.advance(1)
    const a3 = addAction(doc, second, { text: 'Call the hall', ownerId: null }, ctx)
    completeAction(doc, first, a2, ctx)
    expect(carriedActions(doc, second).map((c) => c.action.id)).toEqual([a1])
    expect(carriedActions(doc, third).map((c) => [c.meetingId, c.action.id])).toEqual([
      [first, a1],
      [second, a3],
    ])
    reopenAction(doc, first, a2)
    expect(carriedActions(doc, second).map((c) => c.action.id)).toEqual([a1, a2])
    expect(carriedActions(doc, first)).toEqual([])
  })

  it('keeps the first completion time when an action is completed twice', () => {
    const { ctx, doc, plan, amara } = pod()
    const id = plan(1)
    const action = addAction(doc, id, { text: 'Send notes', ownerId: amara }, ctx)
    completeAction(doc, id, action, ctx)
    const doneAt = ctx.now
    ctx.advance(1000)
    completeAction(doc, id, action, ctx)
    expect(doc.meetings[id]?.actions[action]?.doneAt).toBe(doneAt)
  })
})
