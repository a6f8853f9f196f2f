// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act } from 'react'
import { Repo, generateAutomergeUrl } from '@automerge/automerge-repo'
import { next as A } from '@automerge/automerge'
import { EditorView } from 'codemirror'
import { createNotesStore } from '../../../src/adapters/automerge/notesStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import type { TendServices } from '../../../src/hooks/services.ts'
import { eventually, renderScreen, unmountScreens } from '../support/screens.tsx'
import { NotesPanel } from '../../../src/ui/circle/NotesEditor.tsx'
import type { NotesDoc } from '../../../src/schema/podDocument.ts'

afterEach(unmountScreens)

describe('NotesPanel', () => {
  it('starts from the notes as they stand, and keeps editor and document in step both ways', async () => {
    const repo = new Repo({ network: [] })
    const podUrl = generateAutomergeUrl()
    // This device is Amara's in the pod: every edit typed here records her.
    const notes = createNotesStore(repo, new ShareRules('dev'), (pod) =>
      pod === podUrl ? 'amara' : null,
    )
    const url = await notes.create(podUrl, { meetingId: 'm1', podId: 'p1' })
    const handle = await repo.find<NotesDoc>(url as never)
    handle.change((d) => A.splice(d, ['text'], 0, 0, 'Opening words'))

    const services = { notes } as unknown as TendServices
    const host = renderScreen(
      services,
      <NotesPanel
        url={podUrl}
        meetingId="m1"
        notesUrl={url}
        me={{ memberId: 'amara', name: 'Amara' }}
        readOnly={false}
      />,
    )
    const content = await eventually(() => host.querySelector<HTMLElement>('.cm-content'))
    expect(content.getAttribute('aria-label')).toBe('Circle notes')
    const view = EditorView.findFromDOM(content)
    if (view === null) throw new Error('no editor')
    // The plugin does not fill the editor: it must start from the document's text.
    expect(view.state.doc.toString()).toBe('Opening words')

    // Typing in the editor splices into the document…
    act(() =>
      view.dispatch({ changes: { from: view.state.doc.length, insert: ', then a breath' } }),
    )
    // (written to the document shortly after, several keystrokes together)
    await eventually(() => (handle.doc().text === 'Opening words, then a breath' ? true : null))
    const typed = A.decodeChange(A.getLastLocalChange(handle.doc())!)
    expect(JSON.parse(typed.message ?? 'null')).toEqual({ by: 'amara' })

    // …and a change from elsewhere (another member) reaches the editor.
    act(() => handle.change((d) => A.splice(d, ['text'], 0, 0, 'Cy: ')))
    await eventually(() =>
      view.state.doc.toString() === 'Cy: Opening words, then a breath' ? true : null,
    )
    expect(host.querySelector('[data-testid=notes-presence]')?.textContent).toBe(
      'Only you are in the notes right now.',
    )
  })
})

describe('notes not on this device yet', () => {
  it('are looked for again, and shown as soon as they arrive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const repo = new Repo({ network: [] })
      const real = createNotesStore(repo, new ShareRules('dev'))
      const podUrl = generateAutomergeUrl()
      const url = await real.create(podUrl, { meetingId: 'm1', podId: 'p1' })
      // The notes are somewhere else for the first two looks (no member reached yet).
      let looks = 0
      const notes = {
        ...real,
        open: (u: string, p: string) => (++looks <= 2 ? Promise.resolve(null) : real.open(u, p)),
      }
      const host = renderScreen(
        { notes } as unknown as TendServices,
        <NotesPanel url={podUrl} meetingId="m1" notesUrl={url} me={null} readOnly={false} />,
      )
      const said = () => host.querySelector('section')?.textContent ?? ''
      await act(async () => await Promise.resolve())
      expect(said()).toContain('These notes are not on this device yet.')
      expect(looks).toBe(1)
      await act(async () => await vi.advanceTimersByTimeAsync(2_000))
      expect(looks).toBe(2)
      expect(said()).toContain('These notes are not on this device yet.')
      await act(async () => await vi.advanceTimersByTimeAsync(4_000))
      expect(looks).toBe(3)
      vi.useRealTimers()
      await eventually(() => host.querySelector('.cm-content'))
      expect(said()).not.toContain('not on this device yet')
    } finally {
      vi.useRealTimers()
    }
  })
})
