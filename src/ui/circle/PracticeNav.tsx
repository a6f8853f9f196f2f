import { useState } from 'react'
import type { ContainerKind, PodDoc } from '../../schema/podDocument.ts'
import { nextMeeting } from '../../domain/meetings.ts'
import { useMyMemberId, useStartCircle, type StartTarget } from '../../hooks/useCircle.ts'
import { slotsDueToday } from '../../domain/rhythm.ts'
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

const KIND_WORDS: Record<ContainerKind, string> = {
  circle: 'circle',
  'office-hours': 'office hours',
  'all-hands': 'all-hands',
}

/**
 * What the start button says. A circle already started (here or on another member's device) is
 * joined, not started again, and says by whom: "Join Amara’s circle, started 18:02", or "Back to
 * your circle, started 18:02" on the starter's own devices. Circles started before Tend
 * recorded the starter read "Join the circle started 18:02" or "Join today’s circle".
 */
export function startLabel(
  view: PodDoc,
  meetingId: string | null,
  me: string | null = null,
): string {
  const meeting = meetingId === null ? undefined : view.meetings[meetingId]
  if (meeting === undefined) return 'Start a circle now'
  const container = meeting.containerId === null ? undefined : view.containers[meeting.containerId]
  const word = KIND_WORDS[container?.kind ?? 'circle']
  const startedAt = meeting.startedAt ?? null
  if (meeting.notesUrl === null && startedAt === null) return `Start today’s ${word}`
  const startedBy = meeting.startedBy ?? null
  const starter = startedBy === null ? undefined : view.members[startedBy]
  if (startedAt !== null && starter !== undefined) {
    const when = `started ${formatTime(startedAt)}`
    return startedBy === me
      ? `Back to your ${word}, ${when}`
      : `Join ${starter.name}’s ${word}, ${when}`
  }
  return meeting.containerId === null
    ? `Join the circle started ${formatTime(startedAt ?? meeting.scheduledFor)}`
    : `Join today’s ${word}`
}

/** The pod home's main way in, and whether an extra circle is offered beside it. */
export interface StartChoice {
  label: string
  target: StartTarget
  /** True when the main choice follows the rhythm, so "an extra circle" is a choice of its own. */
  offerExtra: boolean
}

/**
 * What "start" means now: a meeting recorded for today (join or start it), else the first slot
 * of the pod's containers due today (its circle, office hours or all-hands, which then counts
 * for the rhythm), else a circle now. A circle outside the rhythm is never the silent default
 * when the rhythm has a meeting today.
 */
export function startChoice(view: PodDoc, now: number, me: string | null = null): StartChoice {
  const planned = todaysMeeting(view, now)
  if (planned !== null)
    return {
      label: startLabel(view, planned, me),
      target: { kind: 'meeting', meetingId: planned },
      offerExtra: true,
    }
  const { start, end } = today(now)
  const due = slotsDueToday(view, start, end).find((d) => d.status !== 'skipped')
  if (due !== undefined)
    return {
      label: `Start today’s ${KIND_WORDS[due.kind]} (${formatTime(due.startsAt)})`,
      target: { kind: 'slot', containerId: due.containerId, scheduledFor: due.scheduledFor },
      offerExtra: true,
    }
  return { label: 'Start a circle now', target: { kind: 'extra' }, offerExtra: false }
}

/** The pod home's way into its practice: norms, roles, peer mentoring, and today's circle. */
export function PracticeNav(props: { url: string; view: PodDoc; readOnly: boolean }) {
  const now = useNow(30_000)
  const start = useStartCircle(props.url)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const me = useMyMemberId(props.url, props.view)
  const choice = startChoice(props.view, now, me)
  const begin = async (target: StartTarget) => {
    setBusy(true)
    setError(null)
    try {
      const id = await start(target)
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
          onClick={() => void begin(choice.target)}
        >
          {choice.label}
        </button>
      )}
      {!props.readOnly && choice.offerExtra && (
        <button type="button" disabled={busy} onClick={() => void begin({ kind: 'extra' })}>
          An extra circle, outside the rhythm
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
