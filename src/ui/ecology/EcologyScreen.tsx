import { useState, type FormEvent } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import {
  MENTOR_CAPACITY,
  addOutsideRelationship,
  endOutsideRelationship,
  readEcology,
  removeOutsideRelationship,
  type LoadFit,
} from '../../domain/ecology.ts'
import { usePodList } from '../../hooks/useDeviceData.ts'
import { usePodViews } from '../../hooks/usePodViews.ts'
import { usePodCommand } from '../../hooks/usePod.ts'
import { removedFrom } from '../../hooks/podAccess.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatDate, messageOf } from '../common/labels.ts'
import { podPath } from '../common/paths.ts'

const FIT_LABELS: Record<LoadFit, string> = {
  under: 'room for more',
  within: 'within capacity',
  over: 'over capacity',
}

/**
 * The mentorship ecology across every pod on this device (pattern.md, Section 4: "diagnose
 * your mentorship ecology"): each mentor's one-on-one load against the 3–5 a mentor can hold,
 * who is waiting for a mentor, the topics only one person holds, and what a group container
 * would change — with a form for the one-on-ones that happen outside Tend.
 */
export function EcologyScreen() {
  const list = usePodList()
  const urls = (list ?? []).map((p) => p.url)
  const pods = usePodViews(urls)
  const now = useNow(60_000, pods)
  if (list === null) return <p>Opening your pods…</p>
  // Pods this device was removed from stay readable here, but take no edits.
  const removed = new Set(list.filter(removedFrom).map((p) => p.url))
  const reading = readEcology(
    pods.map((p) => p.view),
    [],
    now,
  )
  return (
    <>
      <h1>Mentorship ecology</h1>
      <p className="muted">
        Across the {pods.length} pod{pods.length === 1 ? '' : 's'} on this device. A mentor can hold{' '}
        {MENTOR_CAPACITY.min}–{MENTOR_CAPACITY.max} meaningful one-on-one relationships before
        attention fractures. People are matched across pods by name, so two people with the same
        name count as one.
      </p>
      {reading.summary !== null && (
        <p className="card summary" data-testid="ecology-summary">
          {reading.summary}
        </p>
      )}
      <section aria-labelledby="mentors-heading">
        <h2 id="mentors-heading">Mentors and their load</h2>
        {reading.mentors.length === 0 ? (
          <p>No one-on-one mentoring recorded yet: no peer pairings, none entered below.</p>
        ) : (
          <ul className="plain">
            {reading.mentors.map((m) => (
              <li key={m.name} className={`card load-${m.fit}`} data-testid="mentor-load">
                <h3>
                  {m.name}: {m.load} one-on-one{m.load === 1 ? '' : 's'} — {FIT_LABELS[m.fit]} (
                  {MENTOR_CAPACITY.min}–{MENTOR_CAPACITY.max})
                </h3>
                <ul>
                  {m.relationships.map((r) => (
                    <li key={`${r.menteeName}-${r.where}`}>
                      {r.menteeName}{' '}
                      <span className="muted">
                        ({r.where}
                        {r.topic === null ? '' : `, ${r.topic}`})
                      </span>
                    </li>
                  ))}
                </ul>
                {m.suggestion !== null && (
                  <p>
                    <strong>What a group container would change: </strong>
                    {m.suggestion.text}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="waiting-heading">
        <h2 id="waiting-heading">Waiting for a mentor</h2>
        {reading.waiting.length === 0 ? (
          <p>Nobody newer or practising is without a mentor.</p>
        ) : (
          <ul data-testid="waiting-mentees">
            {reading.waiting.map((w) => (
              <li key={w.name}>
                {w.name} <span className="muted">({w.pods.join(', ')})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="single-heading">
        <h2 id="single-heading">Knowledge held by one person</h2>
        <p className="muted">
          Topics only one member has written insights about: when they leave, the knowledge leaves
          with them unless the group takes it up.
        </p>
        {reading.singlePoints.length === 0 ? (
          <p>Every topic is held by more than one person.</p>
        ) : (
          <ul data-testid="single-points">
            {reading.singlePoints.map((s) => (
              <li key={s.tag}>
                #{s.tag}: {s.holder}, {s.insights} insight{s.insights === 1 ? '' : 's'}, last{' '}
                {formatDate(s.lastAt)}
                {s.holderLeft && <strong> — {s.holder} has left</strong>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <OutsideRelationships pods={pods} removed={removed} />
    </>
  )
}

function OutsideRelationships(props: {
  pods: { url: string; view: PodDoc }[]
  removed: ReadonlySet<string>
}) {
  const [podUrl, setPodUrl] = useState('')
  const writable = props.pods.filter((p) => !props.removed.has(p.url))
  const chosen = writable.find((p) => p.url === podUrl) ?? writable[0]
  const all = props.pods.flatMap((p) =>
    Object.values(p.view.outsideRelationships ?? {}).map((r) => ({ ...r, pod: p })),
  )
  return (
    <section aria-labelledby="outside-heading">
      <h2 id="outside-heading">One-on-ones outside Tend</h2>
      <p className="muted">
        Mentoring that happens outside any pod, so the map is whole. Kept in a pod you choose and
        shared with its members.
      </p>
      {all.length > 0 && (
        <ul className="plain">
          {all
            .sort((a, b) => a.mentorName.localeCompare(b.mentorName))
            .map((r) => (
              <OutsideItem
                key={r.id}
                url={r.pod.url}
                podName={r.pod.view.pod.name}
                relationship={r}
                readOnly={props.removed.has(r.pod.url)}
              />
            ))}
        </ul>
      )}
      {chosen === undefined ? (
        <p>
          Start or join a pod first: <a href="#/">your pods</a>.
        </p>
      ) : (
        <OutsideForm url={chosen.url} pods={writable} onPod={setPodUrl} />
      )}
    </section>
  )
}

function OutsideItem(props: {
  url: string
  podName: string
  relationship: {
    id: string
    mentorName: string
    menteeName: string
    topic: string | null
    startedAt: number
    endedAt: number | null
  }
  readOnly: boolean
}) {
  const run = usePodCommand(props.url)
  const r = props.relationship
  const [error, setError] = useState<string | null>(null)
  const act = async (what: 'end' | 'remove') => {
    setError(null)
    try {
      await run((doc, ctx) =>
        what === 'end'
          ? endOutsideRelationship(doc, r.id, ctx)
          : removeOutsideRelationship(doc, r.id, ctx),
      )
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const label = `${r.mentorName} with ${r.menteeName}`
  return (
    <li className="card" data-testid="outside-relationship">
      <p>
        <strong>{r.mentorName}</strong> mentors <strong>{r.menteeName}</strong>
        {r.topic !== null && ` (${r.topic})`}
        <span className="muted">
          {' '}
          · since {formatDate(r.startedAt)}
          {r.endedAt !== null && `, ended ${formatDate(r.endedAt)}`} · kept in{' '}
          <a href={podPath(props.url)}>{props.podName}</a>
        </span>
      </p>
      {!props.readOnly && (
        <div className="actions">
          {r.endedAt === null && (
            <button type="button" onClick={() => void act('end')} aria-label={`End ${label}`}>
              End
            </button>
          )}
          <button type="button" onClick={() => void act('remove')} aria-label={`Remove ${label}`}>
            Remove
          </button>
        </div>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}

function OutsideForm(props: {
  url: string
  pods: { url: string; view: PodDoc }[]
  onPod: (url: string) => void
}) {
  const run = usePodCommand(props.url)
  const [mentor, setMentor] = useState('')
  const [mentee, setMentee] = useState('')
  const [topic, setTopic] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    try {
      await run((doc, ctx) =>
        addOutsideRelationship(doc, { mentorName: mentor, menteeName: mentee, topic }, ctx),
      )
      setMentee('')
      setTopic('')
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <form
      className="card"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Add a one-on-one outside Tend"
    >
      <label htmlFor="outside-mentor">Mentor</label>
      <input id="outside-mentor" value={mentor} onChange={(e) => setMentor(e.target.value)} />
      <label htmlFor="outside-mentee">Mentee</label>
      <input id="outside-mentee" value={mentee} onChange={(e) => setMentee(e.target.value)} />
      <label htmlFor="outside-topic">Topic (optional)</label>
      <input id="outside-topic" value={topic} onChange={(e) => setTopic(e.target.value)} />
      {props.pods.length > 1 && (
        <>
          <label htmlFor="outside-pod">Keep it in</label>
          <select id="outside-pod" value={props.url} onChange={(e) => props.onPod(e.target.value)}>
            {props.pods.map((p) => (
              <option key={p.url} value={p.url}>
                {p.view.pod.name}
              </option>
            ))}
          </select>
        </>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Add one-on-one
      </button>
    </form>
  )
}
