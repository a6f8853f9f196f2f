import { useId, useState, type FormEvent } from 'react'
import type { InsightKind, Meeting, PodDoc } from '../../schema/podDocument.ts'
import { addInsight, linkInsight } from '../../domain/meetings.ts'
import { correctionKey, correctionsByItem, standing } from '../../domain/corrections.ts'
import { memberName } from './PodGate.tsx'
import { ErrorText, useAttempt } from './attempt.tsx'
import { CorrectableItem } from './Corrections.tsx'

export const INSIGHT_LABELS: Record<InsightKind, string> = {
  learning: 'Learning',
  tension: 'Tension',
  breakthrough: 'Breakthrough',
  question: 'Question',
}
const KINDS: InsightKind[] = ['learning', 'tension', 'breakthrough', 'question']

/** Every standing breakthrough in the pod (any meeting), newest first: what a question may
 * link to. */
function breakthroughs(view: PodDoc): { id: string; text: string }[] {
  return Object.values(view.meetings)
    .flatMap((m) => standing(m.insights))
    .filter((i) => i.kind === 'breakthrough')
    .sort((a, b) => b.at - a.at)
    .map((i) => ({ id: i.id, text: i.text }))
}

/** Insights of this circle: learnings, tensions, breakthroughs and questions, with tags and links. */
export function InsightsPanel(props: {
  url: string
  view: PodDoc
  meeting: Meeting
  me: string | null
  readOnly: boolean
}) {
  const { view, meeting, me } = props
  const { attempt, error } = useAttempt(props.url)
  const [kind, setKind] = useState<InsightKind>('learning')
  const [text, setText] = useState('')
  const [tags, setTags] = useState('')
  const [ledTo, setLedTo] = useState('')
  const id = useId()
  const found = breakthroughs(view)
  const insights = Object.values(meeting.insights).sort((a, b) => a.at - b.at)
  const corrections = correctionsByItem(view)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (me === null) return
    const done = await attempt((doc, ctx) =>
      addInsight(
        doc,
        meeting.id,
        {
          kind,
          text,
          tags: tags.split(','),
          authorId: me,
          ledTo: kind === 'question' && ledTo !== '' ? ledTo : null,
        },
        ctx,
      ),
    )
    if (done.ok) {
      setText('')
      setTags('')
      setLedTo('')
    }
  }
  return (
    <section className="card" aria-labelledby="insights-heading">
      <h2 id="insights-heading">Insights</h2>
      {insights.length > 0 && (
        <ul className="plain insight-list" data-testid="insights">
          {insights.map((insight) => (
            <li key={insight.id} className={`insight insight-${insight.kind}`}>
              <CorrectableItem
                url={props.url}
                view={view}
                kind="insight"
                meetingId={meeting.id}
                item={insight}
                corrections={
                  corrections.get(correctionKey('insight', meeting.id, insight.id)) ?? []
                }
                me={me}
                readOnly={props.readOnly}
              >
                <span className="insight-kind">{INSIGHT_LABELS[insight.kind]}</span> {insight.text}
                {insight.tags.length > 0 && (
                  <span className="muted"> {insight.tags.map((t) => `#${t}`).join(' ')}</span>
                )}
                <span className="muted"> — {memberName(view, insight.authorId)}</span>
                {insight.ledTo !== null && (
                  <span className="muted">
                    {' '}
                    · led to “{found.find((b) => b.id === insight.ledTo)?.text ?? 'a breakthrough'}”
                  </span>
                )}
                {insight.kind === 'question' &&
                  insight.ledTo === null &&
                  !props.readOnly &&
                  found.length > 0 && (
                    <>
                      <label htmlFor={`${id}-link-${insight.id}`} className="inline-label">
                        This question led to
                      </label>
                      <select
                        id={`${id}-link-${insight.id}`}
                        value=""
                        onChange={(e) =>
                          void attempt((doc) =>
                            linkInsight(doc, insight.id, { ledTo: e.target.value }),
                          )
                        }
                      >
                        <option value="">Choose a breakthrough</option>
                        {found.map((b) => (
                          <option key={b.id} value={b.id}>
                            {b.text}
                          </option>
                        ))}
                      </select>
                    </>
                  )}
              </CorrectableItem>
            </li>
          ))}
        </ul>
      )}
      {!props.readOnly && me !== null && (
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="Record an insight">
          <fieldset className="choice">
            <legend>Kind of insight</legend>
            {KINDS.map((k) => (
              <label key={k}>
                <input
                  type="radio"
                  name={`${id}-kind`}
                  value={k}
                  checked={kind === k}
                  onChange={() => setKind(k)}
                />
                {INSIGHT_LABELS[k]}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-text`}>Insight</label>
          <textarea
            id={`${id}-text`}
            rows={2}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <label htmlFor={`${id}-tags`}>Tags, separated by commas</label>
          <input id={`${id}-tags`} value={tags} onChange={(e) => setTags(e.target.value)} />
          {kind === 'question' && found.length > 0 && (
            <>
              <label htmlFor={`${id}-led`}>Led to a breakthrough (optional)</label>
              <select id={`${id}-led`} value={ledTo} onChange={(e) => setLedTo(e.target.value)}>
                <option value="">None yet</option>
                {found.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.text}
                  </option>
                ))}
              </select>
            </>
          )}
          <ErrorText error={error} />
          <button type="submit" className="primary">
            Record insight
          </button>
        </form>
      )}
    </section>
  )
}
