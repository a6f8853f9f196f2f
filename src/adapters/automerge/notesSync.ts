/**
 * Keeps a CodeMirror editor and a text field of an Automerge document in step, as
 * @automerge/automerge-codemirror's plugin does, but cheap per keystroke while peers type:
 *
 * - Remote changes are gathered and shown together, at most once every `REMOTE_EVERY_MS`, in a
 *   single editor transaction (the upstream plugin dispatched one transaction per patch, plus
 *   one for the selection: each moved the browser's selection and forced a layout — the biggest
 *   main-thread cost per keystroke in a profile with four peers typing).
 * - Keystrokes are written to the document together, `LOCAL_EVERY_MS` after the first of them
 *   (and before any remote change is shown, and when the editor closes): the keystroke itself
 *   only updates the editor, and the document's change, its save and its sync to peers happen
 *   once for several keystrokes, after the keystroke has been painted. `onTyped` is told at
 *   at once, so "saved" is never claimed for text still waiting.
 * - Keystrokes written while remote changes wait to be shown are written at the heads the
 *   editor shows (`changeAt`), so their positions are the editor's; the waiting remote changes
 *   then arrive in the editor as the difference from there to the merged document.
 */
import { next as Automerge } from '@automerge/automerge/slim'
import { Annotation, ChangeSet, type ChangeSpec, type Extension } from '@codemirror/state'
import { ViewPlugin, type EditorView, type ViewUpdate } from '@codemirror/view'

/** How often waiting remote changes are shown: never more than one editor update per frame-ish. */
const REMOTE_EVERY_MS = 50

/** How long keystrokes wait to be written to the document together (a crash loses at most this). */
const LOCAL_EVERY_MS = 100

/** The part of a document handle the plugin uses (changes made through it carry their author). */
export interface TextHandle<T> {
  isReady(): boolean
  doc(): Automerge.Doc<T>
  /** Applies `edit` at the document's current heads. */
  change(edit: (doc: Automerge.Doc<T>) => void): void
  /** Applies `edit` at `heads` (merged into the document); returns the heads after the edit. */
  changeAt(heads: Automerge.Heads, edit: (doc: Automerge.Doc<T>) => void): Automerge.Heads
  on(event: 'change', listener: () => void): void
  off(event: 'change', listener: () => void): void
}

const reconcile = Annotation.define<true>()

/** The editor change a patch to the text at `path` makes, or null for patches elsewhere. */
function specOf(
  patch: Automerge.Patch,
  path: readonly string[],
  length: number,
): ChangeSpec | null {
  const at = (p: readonly Automerge.Prop[]) =>
    p.length === path.length + 1 && path.every((k, i) => p[i] === k) ? p[path.length] : undefined
  if (patch.action === 'put') {
    const whole = patch.path.length === path.length && path.every((k, i) => patch.path[i] === k)
    return whole && typeof patch.value === 'string'
      ? { from: 0, to: length, insert: patch.value }
      : null
  }
  const index = at(patch.path)
  if (typeof index !== 'number') return null
  if (patch.action === 'splice') return { from: index, insert: patch.value }
  if (patch.action === 'insert')
    return { from: index, insert: patch.values.map((v) => (v ? String(v) : '')).join('') }
  if (patch.action === 'del') return { from: index, to: index + (patch.length ?? 1) }
  return null
}

export function notesSyncPlugin<T>(options: {
  handle: TextHandle<T>
  path: readonly string[]
  /** Told when keystrokes start waiting to be written (true) and once they are written (false). */
  onTyped?: (waiting: boolean) => void
}): Extension {
  const { handle, path, onTyped } = options
  if (!handle.isReady()) throw new Error('The notes must be ready before the editor binds them.')
  return ViewPlugin.fromClass(
    class {
      /** The heads whose text the editor shows. */
      shown = Automerge.getHeads(handle.doc())
      writing = false
      timer: ReturnType<typeof setTimeout> | null = null

      constructor(readonly view: EditorView) {
        handle.on('change', this.onChange)
      }

      /** Keystrokes not yet written to the document, relative to the text at `shown`. */
      typed: ChangeSet | null = null
      localTimer: ReturnType<typeof setTimeout> | null = null

      update(update: ViewUpdate) {
        for (const tr of update.transactions) {
          if (tr.annotation(reconcile) !== undefined || tr.changes.empty) continue
          this.typed = this.typed === null ? tr.changes : this.typed.compose(tr.changes)
        }
        if (this.typed === null || this.localTimer !== null) return
        this.localTimer = setTimeout(this.write, LOCAL_EVERY_MS)
        onTyped?.(true)
      }

      /** Writes the waiting keystrokes to the document, as one change. */
      write = () => {
        if (this.localTimer !== null) clearTimeout(this.localTimer)
        this.localTimer = null
        const typed = this.typed
        if (typed === null) return
        this.typed = null
        const edit = (doc: Automerge.Doc<T>) => {
          typed.iterChanges((fromA, toA, fromB, _toB, inserted) => {
            Automerge.splice(doc, path.slice(), fromB, toA - fromA, inserted.toString())
          })
        }
        this.writing = true
        try {
          if (Automerge.equals(Automerge.getHeads(handle.doc()), this.shown)) {
            handle.change(edit)
            this.shown = Automerge.getHeads(handle.doc())
          } else {
            this.shown = handle.changeAt(this.shown, edit)
            this.schedule()
          }
        } finally {
          this.writing = false
        }
        onTyped?.(false)
      }

      onChange = () => {
        if (!this.writing) this.schedule()
      }

      schedule() {
        if (this.timer === null) this.timer = setTimeout(this.show, REMOTE_EVERY_MS)
      }

      /** Shows every change the editor does not show yet, in one transaction. */
      show = () => {
        this.timer = null
        this.write()
        const doc = handle.doc()
        const heads = Automerge.getHeads(doc)
        if (Automerge.equals(heads, this.shown)) return
        const patches = Automerge.diff(doc, this.shown, heads)
        this.shown = heads
        let changes = ChangeSet.empty(this.view.state.doc.length)
        for (const patch of patches) {
          const spec = specOf(patch, path, changes.newLength)
          if (spec !== null) changes = changes.compose(ChangeSet.of(spec, changes.newLength, '\n'))
        }
        if (changes.empty) return
        this.view.dispatch({
          changes,
          selection: this.view.state.selection.map(changes, 1),
          annotations: reconcile.of(true),
        })
      }

      destroy() {
        this.write()
        handle.off('change', this.onChange)
        if (this.timer !== null) clearTimeout(this.timer)
      }
    },
  )
}
