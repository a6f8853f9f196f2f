import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { LIMITS, TEXT_LIMITS } from '../../../src/schema/limits.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import {
  addAction,
  addCheckIn,
  addInsight,
  carriedActions,
  holdMeeting,
  linkInsight,
  scheduleMeeting,
  setAttendance,
} from '../../../src/domain/meetings.ts'
import {
  correctAttendance,
  correctItemText,
  correctPodDetails,
  correctionKey,
  correctionsByItem,
  restoreItem,
  withdrawItem,
  type CorrectableKind,
} from '../../../src/domain/corrections.ts'
import {
  allInsights,
  exportMarkdown,
  insightTags,
  questionBank,
  recurringTensions,
} from '../../../src/domain/knowledge.ts'
import { readVitality } from '../../../src/domain/vitality.ts'
import { readEcology } from '../../../src/domain/ecology.ts'
import { newPod, testContext } from '../support/testContext.ts'

const WEEK = 7 * 24 * 60 * 60 * 1000

function refusal(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof DomainError) return error.message
    throw error
  }
  throw new Error('the command was not refused')
}

/** A pod with three members and one held circle holding one item of each kind. */
function pod() {
  const ctx = testContext()
  const { doc, founderId: amara } = newPod(ctx)
  const bo = addMember(doc, { name: 'Bo', stage: 'practising' }, ctx)
  const cy = addMember(doc, { name: 'Cy', stage: 'newer' }, ctx)
  const meetingId = scheduleMeeting(
    doc,
    { containerId: null, scheduledFor: ctx.now, notesUrl: null },
    ctx,
  )
  for (const m of [amara, bo, cy]) setAttendance(doc, meetingId, m, 'present')
  const insight = addInsight(
    doc,
    meetingId,
    { kind: 'learning', text: 'Time', tags: ['listening'], authorId: bo },
    ctx,
  )
  const checkIn = addCheckIn(doc, meetingId, { memberId: cy, text: 'Tierd but glad' }, ctx)
  const action = addAction(doc, meetingId, { text: 'Book the hal', ownerId: amara }, ctx)
  holdMeeting(doc, meetingId, ctx)
  ctx.advance(WEEK)
  const ids: Record<CorrectableKind, string> = {
    insight,
    'check-in': checkIn,
    action,
  }
  return { ctx, doc, amara, bo, cy, meetingId, ids }
}

describe('correcting an item’s text', () => {
  it.each<[CorrectableKind, string, string]>([
    ['insight', 'Time', 'Time to listen'],
    ['check-in', 'Tierd but glad', 'Tired but glad'],
    ['action', 'Book the hal', 'Book the hall'],
  ])('replaces the %s’s text and records who changed it, when, and from what', (kind, was, is) => {
    const { ctx, doc, amara, meetingId, ids } = pod()
    const id = correctItemText(
      doc,
      { kind, meetingId, itemId: ids[kind], text: ` ${is} `, by: amara },
      ctx,
    )
    const meeting = doc.meetings[meetingId]!
    const item =
      kind === 'insight'
        ? meeting.insights[ids[kind]]
        : kind === 'check-in'
          ? meeting.checkIns[ids[kind]]
          : meeting.actions[ids[kind]]
    expect(item?.text).toBe(is)
    expect(doc.corrections[id]).toEqual({
      id,
      target: kind,
      meetingId,
      itemId: ids[kind],
      field: 'text',
      before: was,
      after: is,
      by: amara,
      at: ctx.now,
    })
  })

  it('refuses, in words, what it cannot do, and changes nothing', () => {
    const { ctx, doc, amara, bo, cy, meetingId, ids } = pod()
    const ref = { kind: 'insight', meetingId, itemId: ids.insight } as const
    setMemberStatus(doc, cy, 'left', ctx)
    setMemberStatus(doc, bo, 'paused', ctx)
    const before = structuredClone(doc)
    expect(refusal(() => correctItemText(doc, { ...ref, text: 'x', by: 'stranger' }, ctx))).toBe(
      'Only a member of this pod can correct it.',
    )
    expect(refusal(() => correctItemText(doc, { ...ref, text: 'x', by: cy }, ctx))).toBe(
      'Only an active member can correct the pod; Cy is no longer in it.',
    )
    expect(refusal(() => correctItemText(doc, { ...ref, text: 'x', by: bo }, ctx))).toBe(
      'Only an active member can correct the pod; Bo is paused.',
    )
    expect(refusal(() => correctItemText(doc, { ...ref, text: '  ', by: amara }, ctx))).toBe(
      'The corrected insight cannot be empty.',
    )
    const long = 'x'.repeat(TEXT_LIMITS.insight + 1)
    expect(refusal(() => correctItemText(doc, { ...ref, text: long, by: amara }, ctx))).toBe(
      `The corrected insight is longer than ${TEXT_LIMITS.insight} characters.`,
    )
    expect(refusal(() => correctItemText(doc, { ...ref, text: 'Time ', by: amara }, ctx))).toBe(
      'The insight already says that.',
    )
    expect(
      refusal(() => correctItemText(doc, { ...ref, itemId: 'valueOf', text: 'x', by: amara }, ctx)),
    ).toBe('That insight is not in this meeting.')
    expect(
      refusal(() => correctItemText(doc, { ...ref, meetingId: 'nope', text: 'x', by: amara }, ctx)),
    ).toBe('That meeting is not in this pod.')
    expect(doc).toEqual(before)
  })

  it('refuses a correction past the pod’s limit of corrections', () => {
    const { ctx, doc, amara, meetingId, ids } = pod()
    for (let i = 0; i < LIMITS.corrections; i++) {
      doc.corrections[`c${i}`] = {
        id: `c${i}`,
        target: 'pod',
        meetingId: null,
        itemId: null,
        field: 'name',
        before: null,
        after: null,
        by: amara,
        at: ctx.now,
      }
    }
    const ref = { kind: 'action', meetingId, itemId: ids.action } as const
    expect(refusal(() => correctItemText(doc, { ...ref, text: 'Book it', by: amara }, ctx))).toBe(
      `This pod already has ${LIMITS.corrections} corrections, the most Tend keeps in one pod.`,
    )
    expect(doc.meetings[meetingId]?.actions[ids.action]?.text).toBe('Book the hal')
  })
})

describe('withdrawing and restoring an item', () => {
  it('keeps a withdrawn item in the record, marked, with what it said', () => {
    const { ctx, doc, amara, bo, meetingId, ids } = pod()
    const ref = { kind: 'check-in', meetingId, itemId: ids['check-in'] } as const
    const id = withdrawItem(doc, { ...ref, by: bo }, ctx)
    expect(doc.meetings[meetingId]?.checkIns[ids['check-in']]).toMatchObject({
      text: 'Tierd but glad',
      withdrawnAt: ctx.now,
      withdrawnBy: bo,
    })
    expect(doc.corrections[id]).toMatchObject({
      target: 'check-in',
      field: 'withdrawn',
      before: 'Tierd but glad',
      after: null,
      by: bo,
    })
    expect(refusal(() => withdrawItem(doc, { ...ref, by: amara }, ctx))).toBe(
      'That check-in is already withdrawn.',
    )
    expect(refusal(() => correctItemText(doc, { ...ref, text: 'Tired', by: amara }, ctx))).toBe(
      'That check-in was withdrawn; restore it before correcting it.',
    )
    ctx.advance(1_000)
    const restored = restoreItem(doc, { ...ref, by: amara }, ctx)
    expect(doc.meetings[meetingId]?.checkIns[ids['check-in']]).toMatchObject({
      withdrawnAt: null,
      withdrawnBy: null,
    })
    expect(doc.corrections[restored]).toMatchObject({ field: 'restored', by: amara })
    expect(refusal(() => restoreItem(doc, { ...ref, by: amara }, ctx))).toBe(
      'That check-in was not withdrawn.',
    )
    // Both steps stay on record, oldest first.
    const list = correctionsByItem(doc).get(correctionKey('check-in', meetingId, ids['check-in']))
    expect(list?.map((c) => c.field)).toEqual(['withdrawn', 'restored'])
  })

  it('treats an item stored before schema 4 (no withdrawnAt) as standing', () => {
    const { ctx, doc, amara, meetingId, ids } = pod()
    const action = doc.meetings[meetingId]!.actions[ids.action]! as Partial<{
      withdrawnAt: number | null
      withdrawnBy: string | null
    }>
    delete action.withdrawnAt
    delete action.withdrawnBy
    withdrawItem(doc, { kind: 'action', meetingId, itemId: ids.action, by: amara }, ctx)
    expect(action.withdrawnAt).toBe(ctx.now)
  })
})

describe('correcting attendance', () => {
  it('refuses to change a held circle’s mark silently, and records a correction instead', () => {
    const { ctx, doc, amara, cy, meetingId } = pod()
    expect(refusal(() => setAttendance(doc, meetingId, cy, 'absent'))).toBe(
      'This circle was held: correct its attendance, so the change is recorded.',
    )
    setAttendance(doc, meetingId, cy, 'present')
    const id = correctAttendance(doc, { meetingId, memberId: cy, mark: 'absent', by: amara }, ctx)
    expect(doc.meetings[meetingId]?.attendance[cy]).toBe('absent')
    expect(doc.corrections[id]).toMatchObject({
      target: 'attendance',
      meetingId,
      itemId: cy,
      field: 'mark',
      before: 'present',
      after: 'absent',
      by: amara,
    })
  })

  it('withdraws a mark, and refuses a mark that changes nothing or a stranger', () => {
    const { ctx, doc, amara, bo, meetingId } = pod()
    const id = correctAttendance(doc, { meetingId, memberId: bo, mark: null, by: amara }, ctx)
    expect(Object.hasOwn(doc.meetings[meetingId]!.attendance, bo)).toBe(false)
    expect(doc.corrections[id]).toMatchObject({ before: 'present', after: null })
    expect(
      refusal(() =>
        correctAttendance(doc, { meetingId, memberId: bo, mark: null, by: amara }, ctx),
      ),
    ).toBe('Bo has no mark to withdraw.')
    expect(
      refusal(() =>
        correctAttendance(doc, { meetingId, memberId: amara, mark: 'present', by: amara }, ctx),
      ),
    ).toBe('Amara is already marked present.')
    expect(
      refusal(() =>
        correctAttendance(doc, { meetingId, memberId: 'valueOf', mark: 'absent', by: amara }, ctx),
      ),
    ).toBe('That member is not in this pod.')
  })
})

describe('correcting the pod’s name and purpose', () => {
  it('records one correction per field that changed', () => {
    const { ctx, doc, bo } = pod()
    const ids = correctPodDetails(doc, { name: 'Wed organisers', purpose: ' Learn ', by: bo }, ctx)
    expect(doc.pod).toMatchObject({ name: 'Wed organisers', purpose: 'Learn' })
    expect(ids.map((id) => doc.corrections[id])).toEqual([
      expect.objectContaining({ field: 'name', before: 'Wednesday organisers', by: bo }),
      expect.objectContaining({
        field: 'purpose',
        before: 'Learn to run campaigns together',
        after: 'Learn',
      }),
    ])
    expect(correctPodDetails(doc, { name: 'Wed organisers', purpose: '', by: bo }, ctx)).toEqual([
      expect.any(String),
    ])
    expect(doc.pod.purpose).toBe('')
  })

  it('refuses a change that changes nothing, an overlong purpose, and a stranger', () => {
    const { ctx, doc, bo } = pod()
    expect(
      refusal(() => correctPodDetails(doc, { name: 'Wednesday organisers', by: bo }, ctx)),
    ).toBe('The pod’s name and purpose already say that.')
    const purpose = 'x'.repeat(TEXT_LIMITS.podPurpose + 1)
    expect(refusal(() => correctPodDetails(doc, { purpose, by: bo }, ctx))).toBe(
      `The purpose is longer than ${TEXT_LIMITS.podPurpose} characters.`,
    )
    expect(refusal(() => correctPodDetails(doc, { name: ' ', by: bo }, ctx))).toBe(
      'The pod name cannot be empty.',
    )
    expect(refusal(() => correctPodDetails(doc, { name: 'Ours', by: 'stranger' }, ctx))).toBe(
      'Only a member of this pod can correct it.',
    )
    expect(Object.keys(doc.corrections)).toEqual([])
  })
})

describe('corrections made at once on two devices', () => {
  /** The pod as an Automerge document, forked to two devices with ids of their own. */
  function forked() {
    const base = pod()
    const doc = A.from(base.doc as unknown as Record<string, unknown>) as unknown as A.Doc<PodDoc>
    const device = (name: string) => {
      let n = 0
      return { now: base.ctx.now, newId: () => `${name}-${++n}` }
    }
    return { ...base, left: A.clone(doc), right: A.clone(doc), device }
  }

  it('keeps both members’ corrections of different fields', () => {
    const { left, right, device, amara, bo, cy, meetingId, ids } = forked()
    const l = A.change(left, (d) => {
      correctPodDetails(d, { name: 'Wednesday circle', by: amara }, device('left'))
      correctAttendance(d, { meetingId, memberId: cy, mark: 'excused', by: amara }, device('l2'))
    })
    const r = A.change(right, (d) => {
      correctItemText(
        d,
        { kind: 'insight', meetingId, itemId: ids.insight, text: 'Time to listen', by: bo },
        device('right'),
      )
    })
    const merged = A.merge(A.clone(l), r)
    expect(merged.pod.name).toBe('Wednesday circle')
    expect(merged.meetings[meetingId]?.attendance[cy]).toBe('excused')
    expect(merged.meetings[meetingId]?.insights[ids.insight]?.text).toBe('Time to listen')
    expect(
      Object.values(merged.corrections)
        .map((c) => `${c.target} ${c.field}`)
        .sort(),
    ).toEqual(['attendance mark', 'insight text', 'pod name'])
  })

  it('keeps a withdrawal and an edit of the same item, and both corrections', () => {
    const { left, right, device, amara, bo, meetingId, ids } = forked()
    const ref = { kind: 'action', meetingId, itemId: ids.action } as const
    const l = A.change(left, (d) => void withdrawItem(d, { ...ref, by: amara }, device('left')))
    const r = A.change(
      right,
      (d) => void correctItemText(d, { ...ref, text: 'Book the hall', by: bo }, device('right')),
    )
    for (const merged of [A.merge(A.clone(l), r), A.merge(A.clone(r), l)]) {
      expect(merged.meetings[meetingId]?.actions[ids.action]).toMatchObject({
        text: 'Book the hall',
        withdrawnBy: amara,
      })
      expect(
        Object.values(merged.corrections)
          .map((c) => `${c.field} by ${c.by === amara ? 'Amara' : 'Bo'}`)
          .sort(),
      ).toEqual(['text by Bo', 'withdrawn by Amara'])
    }
  })
})

describe('readings leave withdrawn items out', () => {
  /** Two held circles where one member's insights, a check-in and an action are withdrawn. */
  function withWithdrawals() {
    const base = pod()
    const { ctx, doc, amara, bo, cy, meetingId } = base
    const second = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now, notesUrl: null },
      ctx,
    )
    for (const m of [amara, bo, cy]) setAttendance(doc, second, m, 'present')
    const tension = (meeting: string, text: string) =>
      addInsight(doc, meeting, { kind: 'tension', text, tags: ['power'], authorId: cy }, ctx)
    const t1 = tension(meetingId, 'Who decides the agenda')
    tension(second, 'Who decides again')
    const question = addInsight(
      doc,
      meetingId,
      { kind: 'question', text: 'Why do we rush?', authorId: amara },
      ctx,
    )
    const breakthrough = addInsight(
      doc,
      second,
      { kind: 'breakthrough', text: 'We slow down together', authorId: bo },
      ctx,
    )
    linkInsight(doc, question, { ledTo: breakthrough })
    holdMeeting(doc, second, ctx)
    ctx.advance(WEEK)
    const next = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now, notesUrl: null },
      ctx,
    )
    const by = amara
    const withdraw = (kind: CorrectableKind, meeting: string, itemId: string) =>
      withdrawItem(doc, { kind, meetingId: meeting, itemId, by }, ctx)
    return { ...base, second, next, t1, question, breakthrough, withdraw }
  }

  it('in the knowledge base: insights, tags, recurring tensions, the question bank', () => {
    const w = withWithdrawals()
    expect(recurringTensions(w.doc).map((t) => t.tag)).toEqual(['power'])
    expect(questionBank(w.doc)).toHaveLength(1)
    w.withdraw('insight', w.meetingId, w.t1)
    w.withdraw('insight', w.second, w.breakthrough)
    w.withdraw('insight', w.meetingId, w.ids.insight)
    const texts = allInsights(w.doc).map((e) => e.insight.text)
    expect(texts).toEqual(['Why do we rush?', 'Who decides again'])
    expect(insightTags(w.doc)).toEqual([{ tag: 'power', count: 1 }])
    expect(recurringTensions(w.doc)).toEqual([])
    expect(questionBank(w.doc)).toEqual([])
  })

  it('in the export and the actions carried to the next circle', () => {
    const w = withWithdrawals()
    expect(carriedActions(w.doc, w.next).map((c) => c.action.text)).toEqual(['Book the hal'])
    w.withdraw('action', w.meetingId, w.ids.action)
    w.withdraw('check-in', w.meetingId, w.ids['check-in'])
    w.withdraw('insight', w.meetingId, w.ids.insight)
    expect(carriedActions(w.doc, w.next)).toEqual([])
    const markdown = exportMarkdown(w.doc, {})
    for (const gone of ['Book the hal', 'Tierd but glad', '(Bo): Time']) {
      expect(markdown).not.toContain(gone)
    }
    expect(markdown).toContain('Who decides the agenda')
  })

  it('in vitality’s participation counts and the ecology’s single points of knowledge', () => {
    const w = withWithdrawals()
    const counts = () =>
      Object.fromEntries(
        readVitality(w.doc, w.ctx.now).participation.perMember.map((r) => [
          r.name,
          [r.checkIns, r.insights],
        ]),
      )
    expect(counts()).toMatchObject({ Bo: [0, 2], Cy: [1, 2] })
    expect(readEcology([w.doc]).singlePoints.map((s) => s.tag)).toEqual(['power', 'listening'])
    w.withdraw('insight', w.meetingId, w.ids.insight)
    w.withdraw('check-in', w.meetingId, w.ids['check-in'])
    w.withdraw('insight', w.meetingId, w.t1)
    expect(counts()).toMatchObject({ Bo: [0, 1], Cy: [0, 1] })
    expect(readEcology([w.doc]).singlePoints.map((s) => s.tag)).toEqual(['power'])
  })
})
