/**
 * Where two devices set one member's attendance differently while apart. Automerge keeps every
 * value written concurrently to a map key and shows one of them (the same one on every device);
 * the others stay readable as conflicts until a later write replaces them all. Reading those
 * here lets the circle screen say that the devices disagreed, instead of one mark silently
 * winning.
 */
import { next as Automerge } from '@automerge/automerge/slim'
import type { Attendance, PodDoc } from '../../schema/podDocument.ts'
import type { AttendanceDisagreement } from '../../domain/meetings.ts'

const MARKS: readonly Attendance[] = ['present', 'absent', 'excused']

/** How many of the latest meetings with marks are checked: the vitality reading's window, twice. */
export const DISAGREEMENT_WINDOW = 24

function ownObject(parent: unknown, key: string): object | null {
  if (typeof parent !== 'object' || parent === null) return null
  if (!Object.prototype.hasOwnProperty.call(parent, key)) return null
  const value = (parent as Record<string, unknown>)[key]
  return typeof value === 'object' && value !== null ? value : null
}

/**
 * The disagreements in the given meetings (ids as the parsed view has them). Values a peer
 * wrote that are not marks are left out; a member with one distinct mark is not a disagreement.
 */
export function attendanceDisagreements(
  doc: Automerge.Doc<PodDoc>,
  view: Pick<PodDoc, 'meetings'>,
): AttendanceDisagreement[] {
  const meetings = Object.values(view.meetings)
    .filter((m) => Object.keys(m.attendance).length > 0)
    .sort((a, b) => b.scheduledFor - a.scheduledFor)
    .slice(0, DISAGREEMENT_WINDOW)
  const found: AttendanceDisagreement[] = []
  for (const meeting of meetings) {
    const attendance = ownObject(ownObject(ownObject(doc, 'meetings'), meeting.id), 'attendance')
    if (attendance === null) continue
    for (const memberId of Object.keys(meeting.attendance)) {
      let conflicts: Record<string, unknown> | undefined
      try {
        conflicts = Automerge.getConflicts(attendance as Automerge.Doc<unknown>, memberId)
      } catch {
        continue
      }
      if (conflicts === undefined) continue
      const written = new Set(Object.values(conflicts))
      const marks = MARKS.filter((m) => written.has(m))
      if (marks.length > 1) found.push({ meetingId: meeting.id, memberId, marks })
    }
  }
  return found
}
