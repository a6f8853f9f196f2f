import { describe, expect, it } from 'vitest'
import { next as A } from '@automerge/automerge'
import { slotMeetingChange } from '../../../src/adapters/automerge/slotMeetings.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'
import { addContainer } from '../../../src/domain/containers.ts'
import {
  addCheckIn,
  holdMeeting,
  setAttendance,
  slotMeetingRecord,
} from '../../../src/domain/meetings.ts'
import { occurrences, rhythmStreak, startSlotMeeting } from '../../../src/domain/rhythm.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { testContext } from '../support/testContext.ts'

const POD_KEY = 'pod-key'

/** A pod with a weekly circle, as its creator's device made it, then some edits. */
function pod() {
  const ctx = testContext(Date.UTC(2026, 0, 5, 9))
  let doc = A.change(A.init<PodDoc>(), (d) => {
    initPod(
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
  })
  let bo = ''
  let circle = ''
  doc = A.change(doc, (d) => {
    bo = addMember(d, { name: 'Bo', stage: 'newer' }, ctx)
    circle = addContainer(
      d,
      { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin' },
      ctx,
    )
  })
  const amara = Object.keys(doc.members).find((id) => id !== bo) as string
  const slot = occurrences(doc.containers[circle]!, ctx.now, 1)[0] as number
  return { doc, ctx, bo, amara, circle, slot }
}

/** What a device does to start the slot: the shared creation, then the command. */
function startOn(doc: A.Doc<PodDoc>, circle: string, slot: number, actor: string) {
  const change = slotMeetingChange(doc, POD_KEY, slotMeetingRecord(circle, slot))
  expect(change).not.toBeNull()
  let next = A.applyChanges(A.clone(doc, { actor }), [change as Uint8Array])[0]
  let id = ''
  next = A.change(next, (d) => {
    id = startSlotMeeting(d, { containerId: circle, scheduledFor: slot }, testContext(slot))
  })
  return { doc: next, id, change: change as Uint8Array }
}

describe('one meeting per slot, whichever devices start it', () => {
  it('is the same change on two devices, and what both record merges', () => {
    const { doc, bo, amara, circle, slot } = pod()
    // Each device edits other things first, so their histories differ.
    const left0 = A.change(A.clone(doc, { actor: 'aa'.repeat(16) }), (d) => {
      d.pod.purpose = 'left'
    })
    const right0 = A.change(A.clone(doc, { actor: 'bb'.repeat(16) }), (d) => {
      addMember(d, { name: 'Cy', stage: 'newer' }, testContext(slot - 86_400_000))
    })
    const left = startOn(left0, circle, slot, 'aa'.repeat(16))
    const right = startOn(right0, circle, slot, 'bb'.repeat(16))
    expect(right.change).toEqual(left.change)
    expect(right.id).toBe(left.id)
    const ctx = testContext(slot + 60_000)
    const l = A.change(left.doc, (d) => {
      setAttendance(d, left.id, amara, 'present')
      addCheckIn(d, left.id, { memberId: amara, text: 'Amara here' }, ctx)
    })
    const r = A.change(right.doc, (d) => {
      setAttendance(d, right.id, bo, 'present')
      addCheckIn(d, right.id, { memberId: bo, text: 'Bo here' }, ctx)
      holdMeeting(d, right.id, ctx)
    })
    const merged = A.merge(A.clone(l), r)
    expect(Object.keys(merged.meetings)).toEqual([left.id])
    const meeting = merged.meetings[left.id]!
    expect(meeting.attendance).toEqual({ [amara]: 'present', [bo]: 'present' })
    expect(
      Object.values(meeting.checkIns)
        .map((c) => c.text)
        .sort(),
    ).toEqual(['Amara here', 'Bo here'])
    expect(meeting.status).toBe('held')
    expect(A.getConflicts(merged.meetings, left.id)).toBeUndefined()
    expect(rhythmStreak(merged, circle, slot + 3 * 86_400_000).count).toBe(1)
  })

  it('starts a skipped slot after all, and joins a slot already started', () => {
    const { doc, circle, slot } = pod()
    const first = startOn(doc, circle, slot, 'cc'.repeat(16))
    const again = A.change(first.doc, (d) => {
      expect(
        startSlotMeeting(d, { containerId: circle, scheduledFor: slot }, testContext(slot)),
      ).toBe(first.id)
    })
    expect(Object.keys(again.meetings)).toHaveLength(1)
    expect(() =>
      A.change(again, (d) => {
        startSlotMeeting(
          d,
          { containerId: circle, scheduledFor: slot + 3_600_000 },
          testContext(slot),
        )
      }),
    ).toThrow(/not one of/)
  })
})
