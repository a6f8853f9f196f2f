import { useState } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import { usePodHistory, type HistoryEntry } from '../../hooks/useHistory.ts'
import { formatDate, formatDateTime, messageOf } from '../common/labels.ts'
import { ErrorText } from '../circle/attempt.tsx'

/**
 * "History": what happened in the pod, in plain words, newest first, with who and when; any
 * member can restore the pod to before an event. A restore is a new change everyone sees (and
 * can undo the same way); nothing is erased. Read only while open.
 */
export function PodHistory(props: { url: string; view: PodDoc; readOnly: boolean }) {
  const [open, setOpen] = useState(false)
  const { events, restore } = usePodHistory(props.url, props.view, open)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const who = (by: string | null) =>
    by === null ? 'Someone' : (props.view.members[by]?.name ?? 'A former member')
  const said = (entry: HistoryEntry) => {
    if (entry.notesOf === null) return entry.said.join('; ') || 'made changes'
    const day = formatDate(entry.notesOf.scheduledFor)
    return entry.restore
      ? `brought back an earlier version of the notes of ${day}`
      : `edited the notes of ${day}`
  }
  const run = async (entry: HistoryEntry) => {
    setBusy(true)
    setError(null)
    try {
      await restore(entry)
      setDone(
        entry.notesOf === null
          ? `Restored the pod to how it was before ${formatDateTime(entry.at)}.`
          : `Restored the notes of ${formatDate(entry.notesOf.scheduledFor)} to how they were before ${formatDateTime(entry.at)}.`,
      )
      setConfirming(null)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <details
      className="card"
      aria-labelledby="history-heading"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>
        <h2 id="history-heading">History</h2>
      </summary>
      {done !== null && <p role="status">{done}</p>}
      <ErrorText error={error} />
      {events === null ? (
        <p>Reading the history…</p>
      ) : (
        <ol className="plain history" data-testid="history">
          {events.map((event) => (
            <li key={event.id} data-testid="history-event">
              <p>
                <strong>{who(event.by)}</strong> {said(event)}
                {event.more > 0 && ` and ${event.more} more changes`}.{' '}
                <span className="muted">{formatDateTime(event.at)}</span>
              </p>
              {!props.readOnly &&
                event.before.length > 0 &&
                (confirming === event.id ? (
                  <div role="group" aria-label="Confirm the restore">
                    <p>
                      {event.notesOf === null
                        ? 'Make the pod what it was just before this?'
                        : `Make the notes of ${formatDate(event.notesOf.scheduledFor)} what they were just before this?`}{' '}
                      Everything after stays in the history, and this can be undone the same way.
                    </p>
                    <button
                      type="button"
                      className="primary"
                      disabled={busy}
                      onClick={() => void run(event)}
                    >
                      {busy ? 'Restoring…' : 'Restore'}
                    </button>
                    <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </div>
                ) : (
                  <button type="button" onClick={() => setConfirming(event.id)}>
                    Restore to before this
                  </button>
                ))}
            </li>
          ))}
        </ol>
      )}
    </details>
  )
}
