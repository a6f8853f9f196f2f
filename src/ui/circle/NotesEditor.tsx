import { useEffect, useRef, useState } from 'react'
import { EditorView, minimalSetup } from 'codemirror'
import type { NotesBinding } from '../../adapters/automerge/notesStore.ts'
import { useNotes, useNotesPresence, useNotesSaved, useStartCircle } from '../../hooks/useCircle.ts'

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
