import { useId, useState, type FormEvent } from 'react'
import type { ActionItem, Correction, Meeting, PodDoc } from '../../schema/podDocument.ts'
import { addAction, carriedActions, completeAction, reopenAction } from '../../domain/meetings.ts'
import { membersForDisplay } from '../../domain/podQueries.ts'
import { correctionKey, correctionsByItem } from '../../domain/corrections.ts'
import { formatDate } from '../common/labels.ts'
import { memberName } from './PodGate.tsx'
import { ErrorText, useAttempt } from './attempt.tsx'
import { CorrectableItem } from './Corrections.tsx'

function ActionRow(props: {
  url: string
  view: PodDoc
  meetingId: string
  action: ActionItem
  from: string | null
  corrections: readonly Correction[]
  me: string | null
  readOnly: boolean
}) {
  const { action, view } = props
  const { attempt, error } = useAttempt(props.url)
  const done = action.doneAt !== null
  const doneButton = (
    <button
      type="button"
      aria-label={`${done ? 'Reopen' : 'Mark done'}: ${action.text}`}
      onClick={() =>
        void attempt((doc, ctx) =>
          done
            ? reopenAction(doc, props.meetingId, action.id)
            : completeAction(doc, props.meetingId, action.id, ctx),
        )
      }
    >
      {done ? 'Reopen' : 'Done'}
    </button>
  )
  return (
    <li className={`action-item${done ? ' done' : ''}`} data-testid="action">
      <CorrectableItem
        url={props.url}
        view={view}
        kind="action"
        meetingId={props.meetingId}
        item={action}
        corrections={props.corrections}
        me={props.me}
        readOnly={props.readOnly}
        {...(props.readOnly ? {} : { tools: doneButton })}
      >
        <span className="action-text">{action.text}</span>{' '}
        <span className="muted">— {memberName(view, action.ownerId)}</span>
        {props.from !== null && <span className="muted"> (from {props.from})</span>}
        {done && <span className="muted"> · done</span>}
      </CorrectableItem>
      <ErrorText error={error} />
    </li>
  )
}

/**
 * Action items: those carried from earlier circles (the first step reviews them) and this
 * circle's own, each with an owner.
 */
export function ActionsPanel(props: {
  url: string
  view: PodDoc
  meeting: Meeting
  me: string | null
  readOnly: boolean
}) {
  const { view, meeting } = props
  const { attempt, error } = useAttempt(props.url)
  const [text, setText] = useState('')
  const [owner, setOwner] = useState(props.me ?? '')
  const id = useId()
  const carried = carriedActions(view, meeting.id)
  const own = Object.values(meeting.actions).sort((a, b) => a.at - b.at)
  const corrections = correctionsByItem(view)
  const correctionsOf = (meetingId: string, actionId: string) =>
    corrections.get(correctionKey('action', meetingId, actionId)) ?? []
  const members = membersForDisplay(view).filter((m) => m.status !== 'left')
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const done = await attempt((doc, ctx) =>
      addAction(doc, meeting.id, { text, ownerId: owner === '' ? null : owner }, ctx),
    )
    if (done.ok) setText('')
  }
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <h3>Carried from earlier circles</h3>
      {carried.length === 0 ? (
        <p className="muted">Nothing carried over.</p>
      ) : (
        <ul className="plain" data-testid="carried-actions">
          {carried.map((c) => (
            <ActionRow
              key={c.action.id}
              url={props.url}
              view={view}
              meetingId={c.meetingId}
              action={c.action}
              from={
                view.meetings[c.meetingId] === undefined
                  ? null
                  : formatDate((view.meetings[c.meetingId] as Meeting).scheduledFor)
              }
              corrections={correctionsOf(c.meetingId, c.action.id)}
              me={props.me}
              readOnly={props.readOnly}
            />
          ))}
        </ul>
      )}
      <h3>From this circle</h3>
      {own.length === 0 ? (
        <p className="muted">No actions yet.</p>
      ) : (
        <ul className="plain" data-testid="circle-actions">
          {own.map((a) => (
            <ActionRow
              key={a.id}
              url={props.url}
              view={view}
              meetingId={meeting.id}
              action={a}
              from={null}
              corrections={correctionsOf(meeting.id, a.id)}
              me={props.me}
              readOnly={props.readOnly}
            />
          ))}
        </ul>
      )}
      {!props.readOnly && (
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="Add an action">
          <label htmlFor={`${id}-text`}>Action</label>
          <input id={`${id}-text`} value={text} onChange={(e) => setText(e.target.value)} />
          <label htmlFor={`${id}-owner`}>Owner</label>
          <select id={`${id}-owner`} value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">Nobody yet</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <ErrorText error={error} />
          <button type="submit" className="primary">
            Add action
          </button>
        </form>
      )}
    </section>
  )
}
