// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { Repo, generateAutomergeUrl } from '@automerge/automerge-repo'
import { next as A } from '@automerge/automerge'
import { EditorView } from 'codemirror'
import { createNotesStore } from '../../../src/adapters/automerge/notesStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import type { NotesDoc } from '../../../src/schema/podDocument.ts'
import { eventually } from '../support/screens.tsx'

const views: EditorView[] = []
type Binding = NonNullable<Awaited<ReturnType<ReturnType<typeof createNotesStore>['open']>>>
afterEach(() => views.splice(0).forEach((v) => v.destroy()))

async function setUp() {
  const repo = new Repo({ network: [] })
  const podUrl = generateAutomergeUrl()
  const notes = createNotesStore(repo, new ShareRules('dev'), () => 'amara')
  const url = await notes.create(podUrl, { meetingId: 'm1', podId: 'p1' })
  const handle = await repo.find<NotesDoc>(url as never)
  handle.change((d) => A.splice(d, ['text'], 0, 0, 'one two'))
  const binding = await notes.open(url, podUrl)
  if (binding === null) throw new Error('no notes')
  const updates: number[] = []
  const view = new EditorView({
    parent: document.body,
    doc: binding.currentText(),
    extensions: [
      binding.editorSync,
      EditorView.updateListener.of((u) => {
        if (u.docChanged) updates.push(u.transactions.length)
      }),
    ],
  })
  views.push(view)
  /** A change typed on another member's device, arriving as a merge. */
  const remote = (edit: (d: NotesDoc) => void) => {
    const theirs = A.change(A.clone(handle.doc(), { actor: 'beef'.repeat(8) }), edit)
    handle.update((doc) => A.merge(doc, theirs))
  }
  return { handle, view, remote, updates, binding: binding as Binding }
}

describe('notes editor sync', () => {
  it('shows several remote changes together, in one editor update', async () => {
    const { view, remote, updates } = await setUp()
    remote((d) => A.splice(d, ['text'], 0, 0, 'Bo: '))
    remote((d) => A.splice(d, ['text'], 11, 0, ' three'))
    await eventually(() => (view.state.doc.toString() === 'Bo: one two three' ? true : null))
    expect(updates).toEqual([1])
  })

  it('keeps a keystroke typed while remote changes wait, in its place, on both sides', async () => {
    const { handle, view, remote } = await setUp()
    remote((d) => A.splice(d, ['text'], 0, 0, 'Bo: '))
    // The editor does not show "Bo: " yet; the person types after "one".
    expect(view.state.doc.toString()).toBe('one two')
    view.dispatch({ changes: { from: 3, insert: ',' } })
    await eventually(() => (view.state.doc.toString() === 'Bo: one, two' ? true : null))
    expect(handle.doc().text).toBe('Bo: one, two')
    // Typed after that, at the merged text's positions.
    view.dispatch({ changes: { from: view.state.doc.length, insert: '!' } })
    await eventually(() => (handle.doc().text === 'Bo: one, two!' ? true : null))
    // Every keystroke still names who typed it.
    const mine = A.getAllChanges(handle.doc())
      .map((c) => A.decodeChange(c))
      .filter((c) => c.actor !== 'beef'.repeat(8) && c.time !== 0)
      .slice(-2)
    expect(mine.map((c) => JSON.parse(c.message ?? 'null'))).toEqual([
      { by: 'amara' },
      { by: 'amara' },
    ])
  })

  it('writes several keystrokes as one change, and never calls them saved while they wait', async () => {
    const { handle, view, binding } = await setUp()
    const said: boolean[] = []
    const stop = binding.onSaved((saved) => said.push(saved))
    const before = A.getAllChanges(handle.doc()).length
    for (const ch of ' three')
      view.dispatch({ changes: { from: view.state.doc.length, insert: ch } })
    // Not in the document yet, and not called saved.
    expect(handle.doc().text).toBe('one two')
    expect(said).toEqual([true, false])
    await eventually(() => (said.at(-1) === true ? true : null))
    expect(handle.doc().text).toBe('one two three')
    expect(A.getAllChanges(handle.doc()).length).toBe(before + 1)
    stop()
  })

  it('writes waiting keystrokes when the editor closes', async () => {
    const { handle, view } = await setUp()
    view.dispatch({ changes: { from: 0, insert: 'zero ' } })
    view.destroy()
    expect(handle.doc().text).toBe('zero one two')
  })
})
