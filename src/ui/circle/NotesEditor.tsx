import { useEffect, useRef, useState } from 'react'
import { EditorView, minimalSetup } from 'codemirror'
import type { NotesBinding } from '../../adapters/automerge/notesStore.ts'
import { useNotes, useNotesPresence, useNotesSaved, useStartCircle } from '../../hooks/useCircle.ts'
import { useNotesVersions } from '../../hooks/useHistory.ts'
import { formatDateTime, messageOf } from '../common/labels.ts'
import { ErrorText } from './attempt.tsx'

/**
 * The circle's shared notes: a CodeMirror editor bound to the meeting's notes document, so
 * several members type at once and every character survives. Shows who else has the notes
 * open right now (presence, never stored).
 */
export function NotesPanel(props: {
  url: string
  meetingId: string
  notesUrl: string | null
  me: { memberId: string; name: string } | null
  readOnly: boolean
}) {
  const notes = useNotes(props.url, props.notesUrl)
  const start = useStartCircle(props.url)
  const [starting, setStarting] = useState(false)
  const binding = notes.status === 'ready' ? notes.binding : null
  const others = useNotesPresence(binding, props.me)
  const saved = useNotesSaved(binding)
  return (
    <section className="card" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {notes.status === 'none' &&
        (props.readOnly ? (
          <p>This circle has no notes.</p>
        ) : (
          <button
            type="button"
            disabled={starting}
            onClick={() => {
              setStarting(true)
              void start({ kind: 'meeting', meetingId: props.meetingId }).finally(() =>
                setStarting(false),
              )
            }}
          >
            Start shared notes
          </button>
        ))}
      {notes.status === 'loading' && <p>Opening the notes…</p>}
      {notes.status === 'unavailable' && (
        <p>
          These notes are not on this device yet. They arrive when the member who started them is
          reachable.
        </p>
      )}
      {binding !== null && (
        <>
          <p className="muted" data-testid="notes-presence" aria-live="polite">
            {others.length === 0
              ? 'Only you are in the notes right now.'
              : `Also in the notes: ${others.map((o) => o.name).join(', ')}.`}
          </p>
          <NotesEditor binding={binding} readOnly={props.readOnly} />
          {!props.readOnly && saved !== null && (
            <p className="muted" data-testid="notes-saved">
              {saved ? 'Saved on this device.' : 'Saving…'}
            </p>
          )}
          {props.notesUrl !== null && (
            <EarlierVersions
              podUrl={props.url}
              notesUrl={props.notesUrl}
              readOnly={props.readOnly}
            />
          )}
        </>
      )}
    </section>
  )
}

function NotesEditor(props: { binding: NotesBinding; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null)
  const { binding, readOnly } = props
  useEffect(() => {
    const parent = host.current
    if (parent === null) return
    const view = new EditorView({
      parent,
      // The sync plugin does not fill the editor: start from the notes as they stand.
      doc: binding.currentText(),
      extensions: [
        minimalSetup,
        EditorView.lineWrapping,
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({
          'aria-label': 'Circle notes',
          'aria-multiline': 'true',
          'data-testid': 'notes-editor',
        }),
        binding.editorSync,
      ],
    })
    return () => view.destroy()
  }, [binding, readOnly])
  return <div ref={host} className="notes-editor" />
}

/**
 * "Earlier versions" of the notes: the text after each spell of typing, newest first. Bringing
 * one back is a new edit everyone sees; the version it replaces stays in the list.
 */
function EarlierVersions(props: { podUrl: string; notesUrl: string; readOnly: boolean }) {
  const [open, setOpen] = useState(false)
  const { versions, bringBack } = useNotesVersions(props.podUrl, props.notesUrl, open)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const run = async (heads: readonly string[], at: number) => {
    setError(null)
    try {
      await bringBack(heads)
      setDone(`Brought back the notes as they were at ${formatDateTime(at)}.`)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Earlier versions</summary>
      {done !== null && <p role="status">{done}</p>}
      <ErrorText error={error} />
      {versions === null ? (
        <p>Reading the versions…</p>
      ) : (
        <ol className="plain" data-testid="notes-versions">
          {versions.map((v, i) => (
            <li key={v.heads.join(',')} data-testid="notes-version">
              <p>
                <span className="muted">{formatDateTime(v.at)}</span>
                {i === 0 && ' (now)'}:{' '}
                {v.text.trim() === '' ? (
                  <em>empty</em>
                ) : (
                  `${v.text.trim().slice(0, 80)}${v.text.trim().length > 80 ? '…' : ''}`
                )}
              </p>
              {!props.readOnly && i > 0 && (
                <button type="button" onClick={() => void run(v.heads, v.at)}>
                  Bring this version back
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </details>
  )
}
