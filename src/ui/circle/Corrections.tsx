import { useId, useState, type FormEvent, type ReactNode } from 'react'
import type { Correction, PodDoc } from '../../schema/podDocument.ts'
import {
  correctItemText,
  isWithdrawn,
  restoreItem,
  withdrawItem,
  type CorrectableKind,
} from '../../domain/corrections.ts'
import { formatDate } from '../common/labels.ts'
import { memberName } from './PodGate.tsx'
import { ErrorText, useAttempt } from './attempt.tsx'

const WORDS: Record<CorrectableKind, { word: string; title: string }> = {
  insight: { word: 'insight', title: 'Insight' },
  'check-in': { word: 'check-in', title: 'Check-in' },
  action: { word: 'action', title: 'Action' },
}

/** The buttons every correction form ends with. */
export function CorrectionActions(props: { onCancel: () => void }) {
  return (
    <div className="actions">
      <button type="submit" className="primary">
        Save correction
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  )
}

/** A short quote of an item for a button's accessible name: “Time to listen”. */
export function quote(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ')
  return `“${line.length > 40 ? `${line.slice(0, 39)}…` : line}”`
}

/**
 * What corrections changed a text, for the reader: "corrected by Bo, 3 Mar 2026", and the
 * earlier wordings behind a disclosure, each with who replaced it and when.
 */
export function CorrectionHistory(props: {
  view: PodDoc
  corrections: readonly Correction[]
  /** Says what was corrected ("corrected", "name corrected"). */
  what?: string
  /** How a value before reads ("Absent" for a mark); the text itself by default. */
  show?: (value: string | null) => string
}) {
  const changes = props.corrections.filter((c) => c.field !== 'withdrawn' && c.field !== 'restored')
  const last = changes.at(-1)
  if (last === undefined) return null
  const show = props.show ?? ((value: string | null) => value ?? 'nothing')
  return (
    <span className="correction-note" data-testid="correction-note">
      <span className="muted">
        {' '}
        · {props.what ?? 'corrected'} by {memberName(props.view, last.by)}, {formatDate(last.at)}
      </span>
      <details>
        <summary>{changes.length === 1 ? 'What it was before' : 'What it was before each'}</summary>
        <ol className="correction-history">
          {changes.map((c) => (
            <li key={c.id}>
              <q>{show(c.before)}</q>{' '}
              <span className="muted">
                (changed by {memberName(props.view, c.by)}, {formatDate(c.at)})
              </span>
            </li>
          ))}
        </ol>
      </details>
    </span>
  )
}

/**
 * One check-in, insight or action as the circle screen shows it, with the tools to correct it:
 * Edit and Withdraw while it stands, Restore once withdrawn. A withdrawn item stays on screen
 * as "withdrawn by X on date", with what it said behind a disclosure; a corrected one says who
 * corrected it and keeps the earlier wording reachable.
 */
export function CorrectableItem(props: {
  url: string
  view: PodDoc
  kind: CorrectableKind
  meetingId: string
  item: { id: string; text: string; withdrawnAt: number | null; withdrawnBy: string | null }
  corrections: readonly Correction[]
  me: string | null
  readOnly: boolean
  /** How the item reads while it stands. */
  children: ReactNode
  /** Tools of the item's own (an action's Done), shown beside Edit and Withdraw. */
  tools?: ReactNode
}) {
  const { view, kind, item, me } = props
  const { attempt, error, clearError } = useAttempt(props.url)
  const [editing, setEditing] = useState<string | null>(null)
  const id = useId()
  const { word, title } = WORDS[kind]
  const ref = { kind, meetingId: props.meetingId, itemId: item.id }
  const canCorrect = !props.readOnly && me !== null
  const name = quote(item.text)

  if (isWithdrawn(item)) {
    return (
      <div className="correctable withdrawn-item" data-testid="withdrawn-item">
        <span>
          {title} withdrawn by {memberName(view, item.withdrawnBy)}
          {item.withdrawnAt !== null && ` on ${formatDate(item.withdrawnAt)}`}
        </span>
        <details>
          <summary>What it said</summary>
          <p className="withdrawn-text">{item.text}</p>
        </details>
        {canCorrect && (
          <div className="item-tools">
            <button
              type="button"
              aria-label={`Restore ${word} ${name}`}
              onClick={() => void attempt((doc, ctx) => restoreItem(doc, { ...ref, by: me }, ctx))}
            >
              Restore
            </button>
          </div>
        )}
        <ErrorText error={error} />
      </div>
    )
  }

  const save = async (event: FormEvent) => {
    event.preventDefault()
    if (me === null || editing === null) return
    const done = await attempt((doc, ctx) =>
      correctItemText(doc, { ...ref, text: editing, by: me }, ctx),
    )
    if (done.ok) setEditing(null)
  }

  return (
    <div className="correctable">
      <div className="item-body">
        {props.children}
        <CorrectionHistory view={view} corrections={props.corrections} />
      </div>
      {editing !== null ? (
        <form
          onSubmit={(e) => void save(e)}
          noValidate
          aria-label={`Correct ${word} ${name}`}
          className="correction-form"
        >
          <label htmlFor={`${id}-text`}>Corrected {word}</label>
          <textarea
            id={`${id}-text`}
            rows={2}
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
          />
          <CorrectionActions
            onCancel={() => {
              setEditing(null)
              clearError()
            }}
          />
        </form>
      ) : (
        (canCorrect || props.tools !== undefined) && (
          <div className="item-tools">
            {props.tools}
            {canCorrect && (
              <>
                <button
                  type="button"
                  aria-label={`Edit ${word} ${name}`}
                  onClick={() => setEditing(item.text)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  aria-label={`Withdraw ${word} ${name}`}
                  onClick={() =>
                    void attempt((doc, ctx) => withdrawItem(doc, { ...ref, by: me }, ctx))
                  }
                >
                  Withdraw
                </button>
              </>
            )}
          </div>
        )
      )}
      <ErrorText error={error} />
    </div>
  )
}
