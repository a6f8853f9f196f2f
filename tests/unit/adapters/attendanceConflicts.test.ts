import { describe, expect, it } from 'vitest'
import { next as A } from '@automerge/automerge'
import { attendanceDisagreements } from '../../../src/adapters/automerge/attendanceConflicts.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'
import { holdMeeting, setAttendance, startAdHocCircle } from '../../../src/domain/meetings.ts'
import {
  correctionsByItem,
  correctionKey,
  settleAttendance,
} from '../../../src/domain/corrections.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { testContext } from '../support/testContext.ts'

/** A pod with Amara and Bo and one circle, on Amara's device and on a copy for Bo's. */
function twoDevices() {
  const ctx = testContext(Date.UTC(2026, 2, 2, 18))
  let amara = A.init<PodDoc>()
  let founder = ''
  let bo = ''
  let meeting = ''
  amara = A.change(amara, (d) => {
    founder = initPod(
      d,
      {
        name: 'Monday pod',
        purpose: '',
        kind: 'learning-pod',
        founder: { name: 'Amara', stage: 'experienced' },
        device: null,
      },
      ctx,
    )
    bo = addMember(d, { name: 'Bo', stage: 'newer' }, ctx)
    meeting = startAdHocCircle(d, { notesUrl: null }, ctx)
  })
  const boDevice = A.clone(amara)
  return { ctx, amara, boDevice, founder, bo, meeting }
}

const disagreementsOf = (doc: A.Doc<PodDoc>) => {
  const parsed = parsePodDoc(doc)
  if (!parsed.ok) throw new Error(parsed.problems.join(' '))
  return attendanceDisagreements(doc, parsed.view)
}

describe('attendance marked differently while apart', () => {
  it('is found on both devices after they meet, and settling ends it on both', () => {
    const { ctx, amara, boDevice, founder, bo, meeting } = twoDevices()
    // Apart: Amara marks Bo present; Bo's device marks him excused (he left early).
    const a1 = A.change(amara, (d) => setAttendance(d, meeting, bo, 'present'))
    const b1 = A.change(boDevice, (d) => setAttendance(d, meeting, bo, 'excused'))
    const a2 = A.merge(A.clone(a1), b1)
    const b2 = A.merge(A.clone(b1), a1)
    const expected = [{ meetingId: meeting, memberId: bo, marks: ['present', 'excused'] }]
    expect(disagreementsOf(a2)).toEqual(expected)
    expect(disagreementsOf(b2)).toEqual(expected)
    // The merge shows one of them, the same one on both devices.
    expect(a2.meetings[meeting]!.attendance[bo]).toBe(b2.meetings[meeting]!.attendance[bo])

    // Amara settles on the value her screen already shows: still a write, which ends it.
    const shown = a2.meetings[meeting]!.attendance[bo]!
    const a3 = A.change(a2, (d) =>
      settleAttendance(d, { meetingId: meeting, memberId: bo, mark: shown, by: founder }, ctx),
    )
    expect(disagreementsOf(a3)).toEqual([])
    const b3 = A.merge(A.clone(b2), a3)
    expect(disagreementsOf(b3)).toEqual([])
    expect(b3.meetings[meeting]!.attendance[bo]).toBe(shown)
  })

  it('is no disagreement when both devices wrote the same mark', () => {
    const { amara, boDevice, bo, meeting } = twoDevices()
    const a1 = A.change(amara, (d) => setAttendance(d, meeting, bo, 'present'))
    const b1 = A.change(boDevice, (d) => setAttendance(d, meeting, bo, 'present'))
    expect(disagreementsOf(A.merge(A.clone(a1), b1))).toEqual([])
  })

  it('settles a held circle with a recorded correction when the mark changes', () => {
    const { ctx, amara, boDevice, founder, bo, meeting } = twoDevices()
    const a1 = A.change(amara, (d) => {
      setAttendance(d, meeting, bo, 'absent')
      holdMeeting(d, meeting, ctx)
    })
    const b1 = A.change(boDevice, (d) => {
      setAttendance(d, meeting, bo, 'present')
      holdMeeting(d, meeting, ctx)
    })
    const merged = A.merge(A.clone(a1), b1)
    expect(disagreementsOf(merged)[0]?.marks).toEqual(['present', 'absent'])
    const shown = merged.meetings[meeting]!.attendance[bo]
    const other = shown === 'present' ? 'absent' : 'present'
    const settled = A.change(merged, (d) =>
      settleAttendance(d, { meetingId: meeting, memberId: bo, mark: other, by: founder }, ctx),
    )
    expect(disagreementsOf(settled)).toEqual([])
    const parsed = parsePodDoc(settled)
    if (!parsed.ok) throw new Error('unreadable')
    const recorded = correctionsByItem(parsed.view).get(correctionKey('attendance', meeting, bo))
    expect(recorded?.map((c) => [c.before, c.after, c.by])).toEqual([[shown, other, founder]])
  })

  it('leaves out values a peer wrote that are not marks', () => {
    const { amara, boDevice, bo, meeting } = twoDevices()
    const a1 = A.change(amara, (d) => setAttendance(d, meeting, bo, 'present'))
    const b1 = A.change(boDevice, (d) => {
      ;(d.meetings[meeting]!.attendance as Record<string, unknown>)[bo] = { not: 'a mark' }
    })
    expect(disagreementsOf(A.merge(A.clone(a1), b1))).toEqual([])
  })
})
