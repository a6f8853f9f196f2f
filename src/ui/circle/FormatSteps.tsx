import { useId, useState } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import type { CircleFormat } from '../../domain/circleFormats.ts'
import { chooseMeetingFormat } from '../../domain/podFormats.ts'
import { formatChoices } from '../formats/FormatsScreen.tsx'
import { ErrorText, useAttempt } from './attempt.tsx'
import { formatsPath } from './practicePaths.ts'
import { useCountdown, usePrefersReducedMotion } from '../../hooks/useCircle.ts'

/** "3:05" for a step timer; with reduced motion, "about 4 min" (the text changes less often). */
export function formatRemaining(ms: number, reduced: boolean): string {
  if (reduced) {
    const minutes = Math.ceil(ms / 60_000)
    return minutes <= 1 ? 'under a minute' : `about ${minutes} min`
  }
  const seconds = Math.ceil(ms / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/** A timer for a step or a speaker; its ticks live in this component, never in the pod. */
export function Timer(props: { endsAt: number | null; label: string; totalMs: number }) {
  const left = useCountdown(props.endsAt)
  const reduced = usePrefersReducedMotion()
  if (left === null) return null
  return (
    <div className="timer" data-testid="timer">
      {/* Ticking text is not announced; only "time is up" is. */}
      <p aria-live="off">
        {props.label}: <strong>{formatRemaining(left, reduced)}</strong> left
      </p>
      {!reduced && (
        <progress max={props.totalMs} value={props.totalMs - left} aria-label={props.label} />
      )}
      <p role="status">{left === 0 ? 'Time is up.' : ''}</p>
    </div>
  )
}

/**
 * The circle's format: its steps with their minutes and role cues, walked through with a timer.
 * The format chosen is stored on the meeting, so every member's screen runs the same steps.
 */
export function FormatSteps(props: {
  url: string
  view: PodDoc
  meetingId: string
  format: CircleFormat
  readOnly: boolean
}) {
  const { format } = props
  const { attempt, error } = useAttempt(props.url)
  const choices = formatChoices(props.view)
  const ownChosen = choices.ours.some((f) => f.id === format.id)
  const [index, setIndex] = useState(0)
  const [startedAt, setStartedAt] = useState<number | null>(null)
  const id = useId()
  const step = format.steps[Math.min(index, format.steps.length - 1)]
  const go = (next: number) => {
    setIndex(Math.max(0, Math.min(next, format.steps.length - 1)))
    setStartedAt(Date.now())
  }
  return (
    <section className="card" aria-labelledby="format-heading">
      <h2 id="format-heading">Format</h2>
      <label htmlFor={`${id}-format`}>How this circle runs</label>
      <select
        id={`${id}-format`}
        value={format.id}
        disabled={props.readOnly}
        onChange={(e) => {
          const chosen = e.target.value
          void attempt((doc) => chooseMeetingFormat(doc, props.meetingId, chosen))
        }}
      >
        {choices.ours.length > 0 && (
          <optgroup label="Our formats">
            {choices.ours.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </optgroup>
        )}
        {!ownChosen && !choices.templates.some((f) => f.id === format.id) && (
          // A retired format of the pod that this circle ran: still shown as chosen.
          <option value={format.id}>{format.name}</option>
        )}
        <optgroup label="Templates">
          {choices.templates.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </optgroup>
      </select>
      <ErrorText error={error} />
      <p className="muted">
        {format.summary}{' '}
        <a href={formatsPath(props.url, ownChosen ? format.id : null)}>
          {ownChosen ? 'Edit this format' : 'Make the pod’s own copy to edit'}
        </a>
      </p>
      <ol className="steps" data-testid="format-steps">
        {format.steps.map((s, i) => (
          <li key={s.id} aria-current={i === index ? 'step' : undefined}>
            <span>
              {s.title} <span className="muted">· {s.minutes} min</span>
            </span>
            {s.roleCue !== null && i === index && <span className="cue">{s.roleCue}</span>}
          </li>
        ))}
      </ol>
      {step !== undefined && (
        <Timer
          key={`${index}-${startedAt ?? 0}`}
          endsAt={startedAt === null ? null : startedAt + step.minutes * 60_000}
          label={step.title}
          totalMs={step.minutes * 60_000}
        />
      )}
      <div className="actions wrap">
        {startedAt === null ? (
          <button type="button" className="primary" onClick={() => go(index)}>
            Start “{step?.title}”
          </button>
        ) : (
          index < format.steps.length - 1 && (
            <button type="button" className="primary" onClick={() => go(index + 1)}>
              Next step
            </button>
          )
        )}
        {index > 0 && (
          <button type="button" onClick={() => go(index - 1)}>
            Previous step
          </button>
        )}
      </div>
    </section>
  )
}
