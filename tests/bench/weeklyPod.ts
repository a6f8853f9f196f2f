/**
 * A weekly pod after `years` of history (12 members; attendance, roles, check-ins, insights
 * and actions as one change each), made with the domain commands, as the bench's test pod.
 */
import * as A from '@automerge/automerge'
import type { PodDoc } from '../../src/schema/podDocument.ts'
import type { CommandContext } from '../../src/domain/commandContext.ts'
import { initPod } from '../../src/domain/pods.ts'
import { addMember } from '../../src/domain/members.ts'
import {
  addAction,
  addCheckIn,
  addInsight,
  assignRoleHolders,
  holdMeeting,
  scheduleMeeting,
  setAttendance,
} from '../../src/domain/meetings.ts'

const WEEK = 7 * 24 * 60 * 60 * 1000

export function weeklyPod(years: number): { bytes: Uint8Array; changes: number } {
  let n = 0
  const start = Date.UTC(2021, 0, 4, 18)
  const ctx: CommandContext = { now: start, newId: () => `b${(++n).toString(36)}` }
  let doc = A.from({} as Record<string, unknown>) as unknown as A.Doc<PodDoc>
  const change = (fn: (d: PodDoc) => void) => {
    doc = A.change(doc, fn)
  }
  change((d) => {
    initPod(
      d,
      {
        name: `${years}-year pod`,
        purpose: 'Benchmark',
        kind: 'cohort',
        founder: { name: 'Founder', stage: 'experienced' },
        device: null,
      },
      ctx,
    )
  })
  const stages = ['newer', 'practising', 'experienced'] as const
  change((d) => {
    for (let i = 1; i < 12; i++)
      addMember(d, { name: `Member ${i}`, stage: stages[i % 3] ?? 'newer', joinedAt: start }, ctx)
  })
  const memberIds = Object.keys(doc.members)
  for (let week = 0; week < years * 52; week++) {
    ctx.now = start + week * WEEK
    let meetingId = ''
    change((d) => {
      meetingId = scheduleMeeting(
        d,
        { containerId: null, scheduledFor: ctx.now, notesUrl: null },
        ctx,
      )
    })
    change((d) => {
      memberIds.forEach((id, i) =>
        setAttendance(d, meetingId, id, (week + i) % 7 === 0 ? 'absent' : 'present'),
      )
    })
    change((d) => void assignRoleHolders(d, meetingId))
    for (let i = 0; i < 6; i++) {
      change(
        (d) =>
          void addCheckIn(
            d,
            meetingId,
            {
              memberId: memberIds[(week + i) % 12] ?? '',
              text: `Week ${week}: arriving, a little tired, glad to be here (${i}).`,
            },
            ctx,
          ),
      )
    }
    change(
      (d) =>
        void addInsight(
          d,
          meetingId,
          {
            kind: 'learning',
            text: `What we learned in week ${week} about holding disagreement.`,
            tags: ['conflict', `w${week % 5}`],
            authorId: memberIds[week % 12] ?? '',
          },
          ctx,
        ),
    )
    change(
      (d) =>
        void addInsight(
          d,
          meetingId,
          {
            kind: week % 3 === 0 ? 'question' : 'tension',
            text: `How do we keep the rhythm when week ${week} gets busy?`,
            tags: ['rhythm'],
            authorId: memberIds[(week + 3) % 12] ?? '',
          },
          ctx,
        ),
    )
    change(
      (d) =>
        void addAction(
          d,
          meetingId,
          { text: `Follow up on week ${week}`, ownerId: memberIds[(week + 5) % 12] ?? null },
          ctx,
        ),
    )
    change((d) => holdMeeting(d, meetingId, ctx))
  }
  return { bytes: A.save(doc), changes: A.getAllChanges(doc).length }
}
