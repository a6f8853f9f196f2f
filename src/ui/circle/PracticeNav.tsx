import { useState } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import { nextMeeting } from '../../domain/meetings.ts'
import { useStartCircle } from '../../hooks/useCircle.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatTime, messageOf } from '../common/labels.ts'
import { circlePath, formatsPath, practicePath } from './practicePaths.ts'

/** Local midnight of the day of `now`, and of the next day. */
function today(now: number): { start: number; end: number } {
  const d = new Date(now)
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
  const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime()
  return { start, end }
}

/** The circle planned for today (or started earlier today), if any. */
export function todaysMeeting(view: PodDoc, now: number): string | null {
  const { start, end } = today(now)
  const next = nextMeeting(view, start)
  return next !== null && next.scheduledFor < end ? next.id : null
}

/**
 * What the start button says. A circle another member has already started (its notes exist)
 * is joined, not started again: "Join the circle started 18:02" for one started on the spot,
 * "Join today's circle" for a planned one.
 */
export function startLabel(view: PodDoc, meetingId: string | null): string {
  const meeting = meetingId === null ? undefined : view.meetings[meetingId]
  if (meeting === undefined) return 'Start a circle now'
  if (meeting.notesUrl === null) return 'Start today’s circle'
  return meeting.containerId === null
    ? `Join the circle started ${formatTime(meeting.scheduledFor)}`
    : 'Join today’s circle'
}

/** The pod home's way into its practice: norms, roles, peer mentoring, and today's circle. */
export function PracticeNav(props: { url: string; view: PodDoc; readOnly: boolean }) {
  const now = useNow(30_000)
  const start = useStartCircle(props.url)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const planned = todaysMeeting(props.view, now)
  const label = startLabel(props.view, planned)
  const begin = async () => {
    setBusy(true)
    setError(null)
    try {
      const id = await start(planned)
      location.hash = circlePath(props.url, id)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="practice" aria-labelledby="practice-heading">
      <h2 id="practice-heading" className="visually-hidden">
        Circle practice
      </h2>
      {!props.readOnly && (
        <button
          type="button"
          className="primary start-circle"
          disabled={busy}
          onClick={() => void begin()}
        >
          {label}
        </button>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <nav aria-label="Circle practice" className="practice-nav">
        <a href={practicePath(props.url, 'norms')}>Norms</a>
        <a href={practicePath(props.url, 'roles')}>Roles</a>
        <a href={practicePath(props.url, 'pairings')}>Peer mentoring</a>
        <a href={formatsPath(props.url)}>Circle formats</a>
      </nav>
    </section>
  )
}
