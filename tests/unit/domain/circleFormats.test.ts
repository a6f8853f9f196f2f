import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  CIRCLE_FORMATS,
  FIRST_CIRCLE_FORMAT_ID,
  circleFormat,
  formatMinutes,
  isFirstCircle,
  nextSpeaker,
  scheduleSteps,
  talkingPieceOrder,
} from '../../../src/domain/circleFormats.ts'
import { addMember } from '../../../src/domain/members.ts'
import { holdMeeting, scheduleMeeting, setAttendance } from '../../../src/domain/meetings.ts'
import { recordRoleSwap, rotationFor } from '../../../src/domain/roleRotation.ts'
import { newPod, testContext } from '../support/testContext.ts'

const WEEK = 7 * 24 * 60 * 60 * 1000

describe('circle formats', () => {
  it('offers the seven templates the issue names', () => {
    expect(CIRCLE_FORMATS.map((f) => f.name)).toEqual([
      'Round check-in',
      'Talking-piece circle',
      'Troika Consulting',
      'Wise Crowds',
      'What / So What / Now What',
      'Action Learning set',
      'First norm-setting circle',
    ])
  })

  it('opens every circle with the norms, then the review of carried actions', () => {
    for (const format of CIRCLE_FORMATS) {
      if (format.id === FIRST_CIRCLE_FORMAT_ID) continue
      expect(format.steps.slice(0, 2).map((s) => s.kind)).toEqual(['norms', 'review-actions'])
    }
  })

  it('has the first norm-setting circle make norms, and every format end with a closing', () => {
    const first = circleFormat(FIRST_CIRCLE_FORMAT_ID)
    expect(first?.steps.some((s) => s.kind === 'norm-setting')).toBe(true)
    for (const format of CIRCLE_FORMATS) expect(format.steps.at(-1)?.kind).toBe('closing')
  })

  it('gives every step a unique id within its format and a positive time', () => {
    for (const format of CIRCLE_FORMATS) {
      expect(new Set(format.steps.map((s) => s.id)).size).toBe(format.steps.length)
      for (const step of format.steps) expect(step.minutes).toBeGreaterThan(0)
    }
    expect(new Set(CIRCLE_FORMATS.map((f) => f.id)).size).toBe(CIRCLE_FORMATS.length)
  })

  it('lays the steps out on the clock, back to back', () => {
    const format = circleFormat('troika')
    if (format === null) throw new Error('missing troika')
    const start = Date.UTC(2026, 0, 5, 18)
    const timed = scheduleSteps(format, start)
    expect(timed[0]?.startsAt).toBe(start)
    expect(timed.at(-1)?.endsAt).toBe(start + formatMinutes(format) * 60_000)
    timed.slice(1).forEach((t, i) => expect(t.startsAt).toBe(timed[i]?.endsAt))
  })

  it('returns null for a format it does not know', () => {
    expect(circleFormat('nope')).toBeNull()
  })
})

function circleOf(n: number) {
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx)
  const ids = [founderId]
  for (let i = 1; i < n; i++) {
    ids.push(addMember(doc, { name: `M${i}`, stage: 'practising', joinedAt: ctx.now + i }, ctx))
  }
  const meetingId = scheduleMeeting(
    doc,
    { containerId: null, scheduledFor: ctx.now + WEEK, notesUrl: null },
    ctx,
  )
  return { ctx, doc, ids, meetingId }
}

describe('talkingPieceOrder', () => {
  it('starts with the member seated after the facilitator, who speaks last; absent members are left out', () => {
    const { ctx, doc, ids, meetingId } = circleOf(5)
    const [a, b, c, d, e] = ids as [string, string, string, string, string]
    for (const id of [a, b, c, e]) setAttendance(doc, meetingId, id, 'present')
    setAttendance(doc, meetingId, d, 'absent')
    const facilitatorRole = Object.values(doc.roles).find((r) => r.name === 'Facilitator')
    if (facilitatorRole === undefined) throw new Error('no facilitator role')
    expect(rotationFor(doc, { meetingId })[facilitatorRole.id]).toBe(a)
    recordRoleSwap(
      doc,
      { meetingId, roleId: facilitatorRole.id, fromMemberId: a, toMemberId: c },
      ctx,
    )
    expect(talkingPieceOrder(doc, meetingId, null)).toEqual([e, a, b, c])
  })

  it('starts with a chosen member when they are present', () => {
    const { doc, ids, meetingId } = circleOf(3)
    for (const id of ids) setAttendance(doc, meetingId, id, 'present')
    const [a, b, c] = ids as [string, string, string]
    expect(talkingPieceOrder(doc, meetingId, c)).toEqual([c, a, b])
  })

  it('is empty when nobody is marked present', () => {
    const { doc, meetingId } = circleOf(3)
    expect(talkingPieceOrder(doc, meetingId, null)).toEqual([])
  })

  it('is the same on every device whatever order the members were recorded in (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(), (n, startAt) => {
        const { doc, ids, meetingId } = circleOf(n)
        for (const id of ids) setAttendance(doc, meetingId, id, 'present')
        const start = ids[startAt % ids.length] as string
        const order = talkingPieceOrder(doc, meetingId, start)
        const reversed = {
          ...doc,
          members: Object.fromEntries(Object.entries(doc.members).reverse()),
        }
        expect(talkingPieceOrder(reversed, meetingId, start)).toEqual(order)
        expect([...order].sort()).toEqual([...ids].sort())
        expect(order[0]).toBe(start)
      }),
      { numRuns: 50 },
    )
  })
})

describe('nextSpeaker', () => {
  it('passes the piece to the first in order who has not spoken, then to nobody', () => {
    expect(nextSpeaker(['a', 'b', 'c'], [])).toBe('a')
    expect(nextSpeaker(['a', 'b', 'c'], ['a', 'c'])).toBe('b')
    expect(nextSpeaker(['a', 'b', 'c'], ['c', 'b', 'a'])).toBeNull()
  })
})

describe('isFirstCircle', () => {
  it('is true until a circle has been held before the meeting', () => {
    const { ctx, doc, meetingId } = circleOf(3)
    const second = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now + 2 * WEEK, notesUrl: null },
      ctx,
    )
    expect(isFirstCircle(doc, second)).toBe(true)
    holdMeeting(doc, meetingId, ctx)
    expect(isFirstCircle(doc, meetingId)).toBe(true)
    expect(isFirstCircle(doc, second)).toBe(false)
  })
})
