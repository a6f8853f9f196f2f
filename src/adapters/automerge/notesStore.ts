/**
 * Circle notes over automerge-repo: each meeting's notes are their own document (`NotesDoc`),
 * kept apart from the pod document so a pod with years of history opens fast and old notes load
 * only when read (design.md, "Documents").
 *
 * Guards the boundary between the notes editor and Automerge: the editor receives an opaque
 * `NotesBinding` (the current text, a CodeMirror extension that turns keystrokes into
 * `splice`s and remote changes into editor updates, and presence), never a DocHandle.
 *
 * Assumes of the other side: a notes document may come from any member's device, so its text is
 * read tolerantly (a missing or non-string `text` reads as empty and is never overwritten
 * wholesale). Every notes document is registered in the share rules under its pod, so it is
 * offered only to that pod's admitted members. Presence travels as ephemeral messages on the
 * document's channel: synced, never stored.
 */
import type { AutomergeUrl, DocHandle, DocumentId, Repo } from '@automerge/automerge-repo'
import { isValidAutomergeUrl } from '@automerge/automerge-repo'
import { next as Automerge } from '@automerge/automerge/slim'
import type { Extension } from '@codemirror/state'
import type { NotesDoc, PodDoc } from '../../schema/podDocument.ts'
import type { ShareRules } from './shareRules.ts'
import { documentIdOf, meetingNotesSeed, notesDocumentIdOf, notesUrlOf } from './notesIdentity.ts'
import { changeMessage, headsOf, readMessage } from './podHistory.ts'
import type { notesSyncPlugin as SyncPlugin, TextHandle } from './notesSync.ts'

/** The notes documents' schema version. */
export const NOTES_SCHEMA_VERSION = 1

/** Someone with the notes open now (presence: never stored). */
export interface NotesPresence {
  memberId: string
  name: string
}

/** What the notes editor needs: no handle, no Automerge. */
export interface NotesBinding {
  /** The notes as they stand now: the editor starts from this (the plugin does not fill it). */
  currentText(): string
  /** Keeps the editor and the document in step, character by character. */
  editorSync: Extension
  /** Tells the others with these notes open that this person is here (call every few seconds). */
  announce(who: NotesPresence): void
  /** Tells the others this person left the notes. */
  leave(memberId: string): void
  /** Follows who else has the notes open; returns a function that stops following. */
  onPresence(listener: (message: PresenceMessage) => void): () => void
  /**
   * Follows whether everything in these notes is written to this device's storage (true) or
   * still being written (false); told at once, then on every change. Returns a stop function.
   */
  onSaved(listener: (saved: boolean) => void): () => void
}

/** One earlier version of a meeting's notes. */
export interface NotesVersion {
  at: number
  /** The notes' heads at the end of that spell of typing. */
  heads: string[]
  text: string
}

/** A spell of editing one meeting's notes, for the pod's history. */
export interface NotesEdit {
  /** The hash of the spell's last change: its stable id. */
  id: string
  at: number
  /** The member whose device typed it, when recorded (older notes changes name no one). */
  by: string | null
  meetingId: string
  notesUrl: string
  /** The notes' heads just before the spell: "restore these notes to before this" goes there. */
  before: string[]
  /** True for a spell that brought an earlier version back. */
  restore: boolean
}

/** Typing more than this far apart (or on another device) is a new version. */
const VERSION_GAP_S = 2 * 60

/**
 * The spells of typing in a notes document's changes: a spell ends where typing paused for
 * minutes, or another device (or member) took over. The seed change (time 0) is no spell.
 * Returns each spell's [start, end) in `changes`.
 */
function spellsOf(changes: readonly Automerge.DecodedChange[]): [number, number][] {
  const spells: [number, number][] = []
  let start = 0
  changes.forEach((c, i) => {
    const next = changes[i + 1]
    const last =
      next === undefined ||
      next.actor !== c.actor ||
      next.message !== c.message ||
      next.time - c.time > VERSION_GAP_S
    if (!last) return
    if (c.time !== 0) spells.push([start, i + 1])
    start = i + 1
  })
  return spells
}

/** How soon after a change the notes are written to storage: a crash loses at most this much. */
const SAVE_AFTER_MS = 250

export type PresenceMessage =
  | { type: 'tend-notes-here'; memberId: string; name: string }
  | { type: 'tend-notes-left'; memberId: string }

export interface NotesStore {
  /**
   * Creates the notes document of a meeting, shared with the pod's members; returns its URL.
   * Every device creates the same document for the same meeting (see `meetingNotesSeed`).
   */
  create(podUrl: string, input: { meetingId: string; podId: string }): Promise<string>
  /**
   * Opens a meeting's notes of the pod at `podUrl` (from this device first, else from a
   * member's device); null when they cannot be found now.
   */
  open(url: string, podUrl: string): Promise<NotesBinding | null>
  /**
   * The spells of editing in these meetings' notes (those on this device), with who and when,
   * for the pod's history; newest first, at most `limit`.
   */
  edits(
    podUrl: string,
    meetings: readonly { meetingId: string; notesUrl: string }[],
    limit?: number,
  ): Promise<NotesEdit[]>
  /** Loads a notes document so the repo offers it to peers (only loaded documents are announced). */
  keepOpen(url: string, podUrl: string): Promise<void>
  /**
   * The earlier versions of a meeting's notes, newest first: the text as it stood after each
   * spell of typing (changes minutes apart start a new one). Null when the notes are not here.
   */
  versions(url: string, podUrl: string): Promise<NotesVersion[] | null>
  /** Brings an earlier version's text back, as a new edit everyone sees (nothing is erased). */
  restoreVersion(url: string, podUrl: string, heads: readonly string[]): Promise<void>
  /** A meeting's notes document as bytes (its whole history), or null when it is not here. */
  exportNotes(podUrl: string, meetingId: string): Promise<Uint8Array | null>
  /**
   * Merges a meeting's notes from a saved file into this device's copy (made if there is none).
   * False, and nothing changed, for bytes that are not that meeting's notes document.
   */
  mergeNotes(
    podUrl: string,
    input: { meetingId: string; podId: string; bytes: Uint8Array },
  ): Promise<boolean>
}

/** The notes URLs of a pod's most recent meetings (by `scheduledFor`), newest first. */
export function recentNotesUrls(view: Pick<PodDoc, 'meetings'>, limit = 8): string[] {
  return Object.values(view.meetings)
    .filter((m) => typeof m.notesUrl === 'string' && isValidAutomergeUrl(m.notesUrl))
    .sort((a, b) => b.scheduledFor - a.scheduledFor || (a.id < b.id ? 1 : -1))
    .slice(0, limit)
    .map((m) => m.notesUrl as string)
}

function parsePresence(message: unknown): PresenceMessage | null {
  if (typeof message !== 'object' || message === null) return null
  const m = message as Record<string, unknown>
  if (typeof m['memberId'] !== 'string' || m['memberId'].length > 100) return null
  if (m['type'] === 'tend-notes-left') return { type: 'tend-notes-left', memberId: m['memberId'] }
  if (m['type'] === 'tend-notes-here' && typeof m['name'] === 'string') {
    return { type: 'tend-notes-here', memberId: m['memberId'], name: m['name'].slice(0, 60) }
  }
  return null
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/**
 * Two members who start the same circle while offline must end up writing into one notes
 * document: two documents would each be linked from the meeting, and the merge would keep one
 * link and hide the other's notes. So a meeting's notes document is the same on every device:
 * its id is derived from the pod and the meeting (notesIdentity.ts), and its first change is
 * written by an actor and at a time fixed by the same seed. Both devices' first changes are
 * then one change, the text is one text, and what each typed merges character by character.
 */
function firstNotesChange(seed: Uint8Array, input: { meetingId: string; podId: string }) {
  const empty = Automerge.init<NotesDoc>({ actor: hex(seed.slice(16, 32)) })
  const doc = Automerge.change(empty, { time: 0 }, (d) => {
    d.schemaVersion = NOTES_SCHEMA_VERSION
    d.meetingId = input.meetingId
    d.podId = input.podId
    d.text = ''
  })
  return Automerge.save(doc)
}

function bind(
  handle: DocHandle<NotesDoc>,
  repo: Repo,
  notesSyncPlugin: typeof SyncPlugin,
  by: () => string | null,
): NotesBinding {
  // The editor's edits carry who typed them (the pod's history names them); the plugin sees
  // only the part of a handle it uses.
  const authored: TextHandle<NotesDoc> = {
    isReady: () => handle.isReady(),
    doc: () => handle.doc(),
    change: (edit) => handle.change(edit, { message: changeMessage(by()) }),
    changeAt(heads, edit) {
      // Through `update`, with Automerge's own (hex) heads: no base58 round trip per keystroke.
      let after: Automerge.Heads = heads
      handle.update((doc) => {
        const result = Automerge.changeAt(doc, heads, { message: changeMessage(by()) }, edit)
        after = result.newHeads ?? heads
        return result.newDoc
      })
      return after
    },
    on: (event, listener) => handle.on(event, listener),
    off: (event, listener) => handle.off(event, listener),
  }
  // Keystrokes the editor holds that are not in the document yet (see notesSync.ts).
  let typing = false
  const typingListeners = new Set<() => void>()
  const onTyped = (waiting: boolean) => {
    typing = waiting
    if (waiting) typingListeners.forEach((l) => l())
  }
  return {
    currentText() {
      const text = (handle.doc() as Partial<NotesDoc> | undefined)?.text
      return typeof text === 'string' ? text : ''
    },
    editorSync: notesSyncPlugin({ handle: authored, path: ['text'], onTyped }),
    announce(who) {
      handle.broadcast({ type: 'tend-notes-here', memberId: who.memberId, name: who.name })
    },
    leave(memberId) {
      handle.broadcast({ type: 'tend-notes-left', memberId })
    },
    onPresence(listener) {
      const onMessage = (payload: { message: unknown }) => {
        const message = parsePresence(payload.message)
        if (message !== null) listener(message)
      }
      handle.on('ephemeral-message', onMessage)
      return () => handle.off('ephemeral-message', onMessage)
    },
    onSaved(listener) {
      let timer: ReturnType<typeof setTimeout> | null = null
      let stopped = false
      // Told only when it changes: not on every keystroke (each would re-render the notes).
      let last: boolean | null = null
      const tell = (saved: boolean) => {
        if (saved !== last) listener((last = saved))
      }
      const save = async () => {
        timer = null
        const heads = handle.heads().join(',')
        try {
          await repo.flush([handle.documentId])
        } catch {
          return // Not saved: the storage problem is reported app-wide (reportingStorage.ts).
        }
        if (stopped) return
        if (!typing && handle.heads().join(',') === heads) tell(true)
        else schedule()
      }
      const schedule = () => {
        if (timer === null) timer = setTimeout(() => void save(), SAVE_AFTER_MS)
      }
      const onChange = () => {
        tell(false)
        schedule()
      }
      handle.on('heads-changed', onChange)
      typingListeners.add(onChange)
      tell(!typing)
      if (typing) schedule()
      return () => {
        stopped = true
        if (timer !== null) clearTimeout(timer)
        handle.off('heads-changed', onChange)
        typingListeners.delete(onChange)
      }
    },
  }
}

/**
 * `authorOf` names the member this device is listed under in a pod (null when it is not):
 * each notes change records them, as the pod store does for the pod's own changes.
 */
export function createNotesStore(
  repo: Repo,
  shareRules: ShareRules,
  authorOf: (podUrl: string) => string | null = () => null,
): NotesStore {
  const handles = new Map<string, Promise<DocHandle<NotesDoc> | null>>()

  function find(url: string): Promise<DocHandle<NotesDoc> | null> {
    let pending = handles.get(url)
    if (pending === undefined) {
      pending = isValidAutomergeUrl(url)
        ? repo.find<NotesDoc>(url as AutomergeUrl).catch(() => null)
        : Promise.resolve(null)
      handles.set(url, pending)
      // A document not found now (no member reachable) may be found later: forget the failure.
      void pending.then((h) => h === null && handles.delete(url))
    }
    return pending
  }

  /**
   * Whether `url` is a notes document of the pod at `podUrl`, as registered from the pod's
   * meetings (derived ids only): a link to anything else is never opened nor served.
   */
  const belongsTo = (url: string, podUrl: string) =>
    isValidAutomergeUrl(url) && shareRules.podOf(documentIdOf(url)) === documentIdOf(podUrl)

  return {
    async create(podUrl, input) {
      const seed = meetingNotesSeed(podUrl, input.meetingId)
      const documentId = notesDocumentIdOf(podUrl, input.meetingId) as DocumentId
      const url = notesUrlOf(podUrl, input.meetingId)
      shareRules.registerDocument(documentId, documentIdOf(podUrl))
      if (repo.handles[documentId] === undefined) {
        const handle = repo.import<NotesDoc>(firstNotesChange(seed, input), { docId: documentId })
        handle.doneLoading()
        handles.set(url, Promise.resolve(handle))
      }
      return url
    },

    async open(url, podUrl) {
      if (!belongsTo(url, podUrl)) return null
      const handle = await find(url)
      if (handle === null || !handle.isReady()) return null
      // A notes document written by a peer without a text field gets one (never replaced).
      if (typeof (handle.doc() as Partial<NotesDoc>).text !== 'string') {
        handle.change((doc) => {
          if (typeof doc.text !== 'string') doc.text = ''
        })
      }
      let author: string | null = null
      // CodeMirror's side of the binding loads with the first notes opened, not with the app.
      const { notesSyncPlugin } = await import('./notesSync.ts')
      return bind(handle, repo, notesSyncPlugin, () => (author ??= authorOf(podUrl)))
    },

    async edits(podUrl, meetings, limit = 40) {
      const found: NotesEdit[] = []
      for (const { meetingId, notesUrl } of meetings) {
        if (!belongsTo(notesUrl, podUrl)) continue
        const handle = await find(notesUrl)
        if (handle === null || !handle.isReady()) continue
        const changes = Automerge.getAllChanges(handle.doc()).map((c) => Automerge.decodeChange(c))
        // Newest first, so spells within one second keep their order in the sort below.
        for (const [start, end] of spellsOf(changes).reverse()) {
          const last = changes[end - 1] as Automerge.DecodedChange
          const { by, restore } = readMessage(last.message)
          found.push({
            id: last.hash,
            at: last.time * 1000,
            by,
            restore,
            meetingId,
            notesUrl,
            before: headsOf(changes, start),
          })
        }
      }
      return found.sort((a, b) => b.at - a.at).slice(0, limit)
    },

    async keepOpen(url, podUrl) {
      if (belongsTo(url, podUrl)) await find(url)
    },

    async versions(url, podUrl) {
      if (!belongsTo(url, podUrl)) return null
      const handle = await find(url)
      if (handle === null || !handle.isReady()) return null
      const doc = handle.doc()
      const changes = Automerge.getAllChanges(doc).map((c) => Automerge.decodeChange(c))
      const ends = spellsOf(changes).map(([, end]) => end)
      return ends
        .reverse()
        .slice(0, 30)
        .map((end) => {
          const heads = headsOf(changes, end)
          const text = (Automerge.view(doc, heads) as Partial<NotesDoc>).text
          return {
            at: (changes[end - 1]?.time ?? 0) * 1000,
            heads,
            text: typeof text === 'string' ? text : '',
          }
        })
    },

    async restoreVersion(url, podUrl, heads) {
      if (!belongsTo(url, podUrl)) throw new Error('These notes are not this pod’s.')
      const handle = await find(url)
      if (handle === null || !handle.isReady())
        throw new Error('These notes are not on this device.')
      if (!Automerge.hasHeads(handle.doc(), [...heads]))
        throw new Error('That version is not in these notes’ history on this device.')
      const text = (Automerge.view(handle.doc(), [...heads]) as Partial<NotesDoc>).text
      handle.change(
        (doc) => Automerge.updateText(doc, ['text'], typeof text === 'string' ? text : ''),
        { message: changeMessage(authorOf(podUrl), true) },
      )
      await repo.flush([handle.documentId])
    },

    async exportNotes(podUrl, meetingId) {
      const url = notesUrlOf(podUrl, meetingId)
      shareRules.registerDocument(documentIdOf(url), documentIdOf(podUrl))
      const handle = await repo
        .find<NotesDoc>(url as AutomergeUrl, { allowableStates: ['ready', 'unavailable'] })
        .catch(() => null)
      return handle?.isReady() === true ? Automerge.save(handle.doc()) : null
    },

    async mergeNotes(podUrl, input) {
      let saved: Automerge.Doc<NotesDoc>
      try {
        saved = Automerge.load<NotesDoc>(input.bytes)
      } catch {
        return false
      }
      // Only the meeting's own notes: every copy of them starts with the same first change.
      const seed = meetingNotesSeed(podUrl, input.meetingId)
      const first = Automerge.getHeads(Automerge.load(firstNotesChange(seed, input)))
      if (!Automerge.hasHeads(saved, first)) return false
      const url = notesUrlOf(podUrl, input.meetingId)
      shareRules.registerDocument(documentIdOf(url), documentIdOf(podUrl))
      const handle = await repo
        .find<NotesDoc>(url as AutomergeUrl, { allowableStates: ['ready', 'unavailable'] })
        .catch(() => null)
      if (handle === null) return false
      handle.update((doc) => Automerge.merge(doc, saved))
      if (!handle.isReady()) handle.doneLoading()
      handles.set(url, Promise.resolve(handle))
      await repo.flush([handle.documentId])
      return true
    },
  }
}
