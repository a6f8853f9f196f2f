import { useId, useState, type FormEvent } from 'react'
import type { Meeting, PodDoc } from '../../schema/podDocument.ts'
import { nextSpeaker, talkingPieceOrder } from '../../domain/circleFormats.ts'
import { addCheckIn } from '../../domain/meetings.ts'
import { correctionKey, correctionsByItem, isWithdrawn } from '../../domain/corrections.ts'
import { CorrectableItem } from './Corrections.tsx'
import { memberName } from './PodGate.tsx'
import { ErrorText, useAttempt } from './attempt.tsx'
import { Timer } from './FormatSteps.tsx'

/** The wall clock, read in event handlers only (never while rendering). */
const clock = () => Date.now()

/**
 * The check-in round in talking-piece order: who speaks now, who is next, a timer per speaker
 * (the timekeeper sets the minutes), and what each brought, recorded as a check-in.
 */
export function CheckInRound(props: {
  url: string
  view: PodDoc
  meeting: Meeting
  me: string | null
  speakerMinutes: number
  readOnly: boolean
}) {
  const { view, meeting } = props
  const { attempt, error } = useAttempt(props.url)
  const [minutes, setMinutes] = useState(props.speakerMinutes)
  const [turn, setTurn] = useState<{ speaker: string; startedAt: number } | null>(null)
  const [text, setText] = useState('')
  const id = useId()
  const order = talkingPieceOrder(view, meeting.id, null)
  const checkIns = Object.values(meeting.checkIns).sort((a, b) => a.at - b.at)
  // A withdrawn check-in does not count as spoken: the member may check in again.
  const spoken = checkIns.filter((c) => !isWithdrawn(c)).map((c) => c.memberId)
  const corrections = correctionsByItem(view)
  const speaker = nextSpeaker(order, spoken)
  const after = speaker === null ? null : nextSpeaker(order, [...spoken, speaker])
  const pass = async (event: FormEvent) => {
    event.preventDefault()
    if (speaker === null) return
    const said = text.trim() === '' ? 'Checked in.' : text
    const done = await attempt((doc, ctx) =>
      addCheckIn(doc, meeting.id, { memberId: speaker, text: said }, ctx),
    )
    if (!done.ok) return
    setText('')
    setTurn(after === null ? null : { speaker: after, startedAt: clock() })
  }
  return (
    <section className="card" aria-labelledby="checkin-heading">
      <h2 id="checkin-heading">Check-in round</h2>
      {order.length === 0 ? (
        <p>Mark who is present to set the talking-piece order.</p>
      ) : (
        <>
          <p className="muted">
            Talking-piece order: {order.map((m) => memberName(view, m)).join(' → ')}
          </p>
          <label htmlFor={`${id}-minutes`}>Minutes per speaker (timekeeper)</label>
          <input
            id={`${id}-minutes`}
            type="number"
            min={1}
            max={30}
            value={minutes}
            onChange={(e) => setMinutes(Math.max(1, Number(e.target.value) || 1))}
          />
          {speaker === null ? (
            <p data-testid="speaker">Everyone has checked in.</p>
          ) : (
            <form onSubmit={(e) => void pass(e)} noValidate>
              <p data-testid="speaker" className="speaker">
                Holding the piece: <strong>{memberName(view, speaker)}</strong>
              </p>
              <p data-testid="next-speaker">
                {after === null ? 'Last to speak.' : `Next: ${memberName(view, after)}`}
              </p>
              {turn?.speaker === speaker ? (
                <Timer
                  key={turn.startedAt}
                  endsAt={turn.startedAt + minutes * 60_000}
                  label={`${memberName(view, speaker)}’s turn`}
                  totalMs={minutes * 60_000}
                />
              ) : (
                <button type="button" onClick={() => setTurn({ speaker, startedAt: Date.now() })}>
                  Start {memberName(view, speaker)}’s timer
                </button>
              )}
              <label htmlFor={`${id}-text`}>
                What {memberName(view, speaker)} brought (optional)
              </label>
              <textarea
                id={`${id}-text`}
                rows={2}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
              <ErrorText error={error} />
              {!props.readOnly && (
                <button type="submit" className="primary">
                  Pass the piece
                </button>
              )}
            </form>
          )}
        </>
      )}
      {checkIns.length > 0 && (
        <ul className="plain" data-testid="check-ins">
          {checkIns.map((c) => (
            <li key={c.id}>
              <CorrectableItem
                url={props.url}
                view={view}
                kind="check-in"
                meetingId={meeting.id}
                item={c}
                corrections={corrections.get(correctionKey('check-in', meeting.id, c.id)) ?? []}
                me={props.me}
                readOnly={props.readOnly}
              >
                <strong>{memberName(view, c.memberId)}</strong>: {c.text}
              </CorrectableItem>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
