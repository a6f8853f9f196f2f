/**
 * Pod documents over automerge-repo: create, open (from local storage first, never waiting for
 * the network), watch as a parsed plain view, and change through domain commands.
 *
 * The screens never hold a DocHandle: they read a `PodState` (a parsed view plus what was
 * repaired), which keeps the seam for a cached view at start-up (design.md, "Opening fast").
 */
import type { AutomergeUrl, DocHandle, DocumentId, Repo } from '@automerge/automerge-repo'
import { decodeHeads, isValidAutomergeUrl, type UrlHeads } from '@automerge/automerge-repo'
import { next as Automerge } from '@automerge/automerge/slim'
import type { PodDoc } from '../../schema/podDocument.ts'
import { parsePodDoc } from '../../schema/parsePodDoc.ts'
import { repairPodDoc } from '../../schema/repairPodDoc.ts'
import { pendingMigrations } from '../../schema/migrations.ts'
import { migratePodDocument } from './migrateDocument.ts'
import type { ShareRules } from './shareRules.ts'
import { documentIdOf, notesDocumentIdOf, proveNotesLinks } from './notesIdentity.ts'
import { slotMeetingChange } from './slotMeetings.ts'
import { attendanceDisagreements } from './attendanceConflicts.ts'
import { changeMessage, podHistory, restoreInto, type HistoryEvent } from './podHistory.ts'
import { memberForDevice } from '../../domain/podQueries.ts'
import { verifiedPodOf } from '../crypto/podKeyring.ts'
import { ownEntry } from '../../schema/idMap.ts'
import { slotMeetingRecord, type AttendanceDisagreement } from '../../domain/meetings.ts'
import { findMeetingForSlot, isSlot } from '../../domain/rhythm.ts'

export type PodState =
  | { status: 'loading' }
  /** Not on this device yet; waiting for a member's device to send it. */
  | { status: 'searching' }
  | { status: 'invalid'; problems: string[] }
  | {
      status: 'ready'
      view: PodDoc
      problems: string[]
      readOnly: boolean
      /** Attendance marks two devices set differently while apart (the latest meetings). */
      disagreements: AttendanceDisagreement[]
      /**
       * Set while the view is the copy cached on this device (podViewCache.ts) and the document
       * itself is still opening: show it, say "Opening…", and let edits wait for the document.
       */
      opening?: true
    }

export interface PodStore {
  /**
   * Creates a pod document, fills it with `init`, and returns its URL and `init`'s result.
   * `documentId`, when given, is the new pod's key (a founder's derived one, see podKeyring.ts).
   */
  create<T>(init: (doc: PodDoc) => T, documentId?: string): Promise<{ url: string; result: T }>
  /** Follows one pod; `listener` gets the current state at once and after every change. */
  watch(url: string, listener: (state: PodState) => void): () => void
  /** Applies a change (a domain command) to a pod that is open; returns the command's result. */
  change<T>(url: string, command: (doc: PodDoc) => T): Promise<T>
  /** Writes everything pending to IndexedDB (before a reload). */
  flush(): Promise<void>
  /** The pod document's raw bytes, for export. */
  exportBytes(url: string): Promise<Uint8Array | null>
  /**
   * Opens a pod saved with `exportBytes` as a new pod on this device (a copy with its whole
   * history and a new id). Throws an Error with a plain message for a file that is not a pod.
   */
  importBytes(bytes: Uint8Array): Promise<{ url: string; view: PodDoc }>
  /**
   * Merges a pod document saved in a whole-pod file into this device's copy of that pod, or
   * restores it here under its own address when this device does not have it. Throws an Error
   * with a plain message, changing nothing, for bytes that are not a pod, or that do not share
   * the history of the pod this device has under that address.
   */
  mergeBytes(url: string, bytes: Uint8Array): Promise<{ view: PodDoc; restored: boolean }>
  /**
   * Deletes the pod and its meetings' notes from this device's storage (the other members keep
   * theirs). The caller removes the device's entry first, so the mesh stops syncing it.
   */
  removeFromDevice(url: string): Promise<void>
  /** Bytes the pod and the notes of its meetings take here (as saved), or null if not here. */
  storedBytes(url: string): Promise<{ pod: number; notes: number; notesDocuments: number } | null>
  /** The pod's history in plain words, newest first (see podHistory.ts); null if not here. */
  history(url: string): HistoryEvent[] | null
  /**
   * Makes the pod's content what it was at `heads` (from a history event), as one new change
   * that names who restored it: nothing is erased, and the restore can itself be undone.
   */
  restore(url: string, heads: readonly string[]): Promise<void>
  /** Loads a pod so the repo offers it to peers (only loaded documents are announced). */
  keepOpen(url: string): Promise<void>
  /** The pod as loaded now (parsed), or null if it is not here yet. Synchronous, cheap. */
  peek(url: string): PodDoc | null
  /** The pod's current heads, or null if not loaded. */
  heads(url: string): string[] | null
  /**
   * Makes sure the meeting of a container's slot exists, created the way every device creates
   * it (see slotMeetings.ts), so a command can then start, skip or move it.
   */
  ensureSlotMeeting(url: string, containerId: string, slot: number): Promise<void>
  /**
   * How many of the changes this device holds are not among those a device holding `heads`
   * has; null when the pod is not loaded. Heads this device does not know are left out.
   */
  changesMissingFrom(url: string, heads: readonly string[]): number | null
  /** The heads a peer's storage was last seen to hold, and when. */
  syncInfo(url: string, storageId: string): { heads: string[]; at: number } | null
}

/** The document id part of a pod's URL, used as the pod's key in share rules. */
export const podKeyOf = documentIdOf

export function isPodUrl(url: string): boolean {
  return isValidAutomergeUrl(url)
}

const RETRY_LIMIT = 60

export function createPodStore(
  repo: Repo,
  shareRules: ShareRules,
  /** This device's public key: a change records the member it is listed under (history). */
  deviceKey: string | null = null,
): PodStore {
  const handles = new Map<string, Promise<DocHandle<PodDoc> | null>>()
  const loaded = new Map<string, DocHandle<PodDoc>>()
  const views = new Map<string, { heads: string; view: PodDoc | null }>()
  /** Per pod, what the last change on this device repaired before its command ran. */
  const repaired = new Map<string, readonly string[]>()

  function remember(handle: DocHandle<PodDoc>): void {
    loaded.set(handle.url, handle)
    registerPod(handle, parsePodDoc(handle.doc()))
  }

  /**
   * Records the pod's documents in the share rules: the pod document and, for every meeting,
   * the notes document whose id is derived from the pod and the meeting. Never what a meeting's
   * `notesUrl` says: a peer could write another pod's id there (see notesIdentity.ts).
   */
  function registerPod(handle: DocHandle<PodDoc>, parsed: ReturnType<typeof parsePodDoc>): void {
    const podKey = handle.documentId
    shareRules.registerDocument(podKey, podKey)
    if (!parsed.ok) return
    for (const meetingId of Object.keys(parsed.view.meetings)) {
      shareRules.registerDocument(notesDocumentIdOf(handle.url, meetingId), podKey)
    }
  }

  /** The pod as the screens see it: parsed, repaired, notes links proven. */
  function provenStateOf(handle: DocHandle<PodDoc>): PodState {
    const parsed = parsePodDoc(handle.doc())
    registerPod(handle, parsed)
    if (!parsed.ok) return { status: 'invalid', problems: parsed.problems }
    const proven = proveNotesLinks(handle.url, parsed.view)
    // What this device repaired in the document stays named after the repair is stored.
    const written = (repaired.get(handle.url) ?? []).filter((p) => !parsed.problems.includes(p))
    return {
      status: 'ready',
      view: proven.view,
      problems: [...parsed.problems, ...written, ...proven.problems],
      readOnly: parsed.readOnly,
      disagreements: attendanceDisagreements(handle.doc(), proven.view),
    }
  }

  /**
   * The pod as the screens see it once its signatures are checked: only the member entries,
   * devices and removals that hold (see memberSignatures.ts); removed members read as left.
   */
  async function verifiedStateOf(handle: DocHandle<PodDoc>): Promise<PodState> {
    const state = provenStateOf(handle)
    if (state.status !== 'ready') return state
    const { view } = await verifiedPodOf(state.view, handle.documentId)
    return { ...state, view }
  }

  async function migrateIfNeeded(handle: DocHandle<PodDoc>): Promise<void> {
    const parsed = parsePodDoc(handle.doc())
    if (!parsed.ok || parsed.readOnly) return
    if (pendingMigrations(parsed.view).length === 0) return
    handle.update((doc) => migratePodDocument(doc))
  }

  function open(url: string): Promise<DocHandle<PodDoc> | null> {
    let pending = handles.get(url)
    if (pending === undefined) {
      pending = repo
        .find<PodDoc>(url as AutomergeUrl, { allowableStates: ['ready', 'unavailable'] })
        .then((handle) => {
          loaded.set(url, handle)
          return handle
        })
        .catch(() => null)
      handles.set(url, pending)
    }
    return pending
  }

  return {
    async create(init, documentId) {
      const handle =
        documentId === undefined
          ? repo.create<PodDoc>()
          : // An empty change, not an empty document: importing a document with no change
            // leaves the handle loading for good (nothing changed, so it never reads as ready).
            repo.import<PodDoc>(Automerge.save(Automerge.emptyChange(Automerge.init<PodDoc>())), {
              docId: documentId as DocumentId,
            })
      let result: ReturnType<typeof init> | undefined
      handle.change((doc) => {
        result = init(doc)
      })
      const url = handle.url
      handles.set(url, Promise.resolve(handle))
      loaded.set(url, handle)
      registerPod(handle, parsePodDoc(handle.doc()))
      await repo.flush([handle.documentId])
      return { url, result: result as ReturnType<typeof init> }
    },

    watch(url, listener) {
      if (!isValidAutomergeUrl(url)) {
        listener({ status: 'invalid', problems: ['This link does not point to a pod.'] })
        return () => {}
      }
      let stopped = false
      let detach = () => {}
      listener({ status: 'loading' })
      const follow = (handle: DocHandle<PodDoc>) => {
        void migrateIfNeeded(handle)
        // Signatures are checked asynchronously: only the newest state is passed on. Meanwhile
        // the change shows at once with the member list last checked (never an unchecked
        // entry), so what a person just did is on screen as they do it — a radio button they
        // chose stays chosen — and the members follow once their signatures are checked.
        let latest = 0
        let checkedMembers: PodDoc['members'] | null = null
        const onChange = () => {
          const mine = ++latest
          const now = provenStateOf(handle)
          if (now.status === 'ready' && checkedMembers !== null && !stopped)
            listener({ ...now, view: { ...now.view, members: checkedMembers } })
          void verifiedStateOf(handle).then((state) => {
            if (stopped || mine !== latest) return
            if (state.status === 'ready') checkedMembers = state.view.members
            listener(state)
          })
        }
        handle.on('change', onChange)
        detach = () => handle.off('change', onChange)
        onChange()
      }
      void open(url).then(async (handle) => {
        if (stopped) return
        if (handle === null) {
          listener({ status: 'invalid', problems: ['This pod could not be opened.'] })
          return
        }
        if (handle.isReady()) return follow(handle)
        // Not stored here: a member's device will send it when one is reachable.
        listener({ status: 'searching' })
        for (let attempt = 0; attempt < RETRY_LIMIT && !stopped; attempt++) {
          try {
            await handle.whenReady(['ready'])
            if (!stopped) follow(handle)
            return
          } catch {
            // whenReady gives up after a minute; keep waiting while someone is watching.
          }
        }
      })
      return () => {
        stopped = true
        detach()
      }
    },

    async change(url, command) {
      const handle = await open(url)
      if (handle === null || !handle.isReady())
        throw new Error('This pod is not open on this device yet.')
      const parsed = parsePodDoc(handle.doc())
      if (!parsed.ok) throw new Error(`This pod cannot be changed: ${parsed.problems.join(' ')}`)
      if (parsed.readOnly) {
        throw new Error('This pod was written by a newer version of Tend. Update Tend to edit it.')
      }
      // The command runs on the document as the screens see it: whatever a peer broke is
      // repaired first, in the same change, so the command never reads it. A command that
      // throws leaves the document untouched: Automerge rolls the change back (repairs too)
      // and the handle rethrows.
      let result: ReturnType<typeof command> | undefined
      // Named before the change: the handle tells the screens about it while it is applied.
      const before = repaired.get(handle.url)
      if (parsed.problems.length > 0) repaired.set(handle.url, parsed.problems)
      try {
        const by = deviceKey === null ? null : memberForDevice(parsed.view, deviceKey)?.id
        handle.change(
          (doc) => {
            repairPodDoc(doc, parsed.view, parsed.problems)
            result = command(doc)
          },
          { message: changeMessage(by ?? null) },
        )
      } catch (error) {
        if (before === undefined) repaired.delete(handle.url)
        else repaired.set(handle.url, before)
        throw error
      }
      // Written before the command is done: a phone may close the app the moment after
      // (the repo would otherwise save a little later, and a reload then loses the edit).
      await repo.flush([handle.documentId])
      return result as ReturnType<typeof command>
    },

    async flush() {
      await repo.flush()
    },

    async importBytes(bytes) {
      let loaded: unknown
      try {
        loaded = Automerge.toJS(Automerge.load(bytes))
      } catch {
        throw new Error('This file is not a Tend pod (it could not be read). Nothing was changed.')
      }
      const parsed = parsePodDoc(loaded, { strict: true })
      if (!parsed.ok) throw new Error(`This file is not a Tend pod: ${parsed.problems.join(' ')}`)
      const handle = repo.import<PodDoc>(bytes)
      await handle.whenReady()
      handles.set(handle.url, Promise.resolve(handle))
      remember(handle)
      await repo.flush([handle.documentId])
      return { url: handle.url, view: parsed.view }
    },

    async mergeBytes(url, bytes) {
      if (!isValidAutomergeUrl(url))
        throw new Error('This file does not name a pod. Nothing was changed.')
      let saved: Automerge.Doc<PodDoc>
      try {
        saved = Automerge.load<PodDoc>(bytes)
      } catch {
        throw new Error('The pod in this file could not be read. Nothing was changed.')
      }
      const parsed = parsePodDoc(Automerge.toJS(saved), { strict: true })
      if (!parsed.ok) throw new Error(`This file is not a Tend pod: ${parsed.problems.join(' ')}`)
      const handle = await open(url)
      if (handle === null) throw new Error('This pod could not be opened. Nothing was changed.')
      const restored = !handle.isReady()
      if (!restored) {
        // The same pod shares its first change; another document under the same address is
        // not merged into it (that would hide one of the two behind the other).
        const roots = Automerge.getChangesMetaSince(handle.doc(), [])
          .filter((c) => c.deps.length === 0)
          .map((c) => c.hash)
        if (!Automerge.hasHeads(saved, roots))
          throw new Error(
            'This file holds a different pod under the address of one you have. Nothing was changed.',
          )
      }
      handle.update((doc) => Automerge.merge(doc, saved))
      if (restored) handle.doneLoading()
      remember(handle)
      await repo.flush([handle.documentId])
      const state = provenStateOf(handle)
      if (state.status !== 'ready')
        throw new Error('This pod could not be read after the file was opened.')
      return { view: state.view, restored }
    },

    async removeFromDevice(url) {
      if (!isValidAutomergeUrl(url)) return
      const handle = await open(url)
      const view = handle?.isReady() === true ? parsePodDoc(handle.doc()) : null
      const meetingIds = view?.ok === true ? Object.keys(view.view.meetings) : []
      const ids = [...meetingIds.map((id) => notesDocumentIdOf(url, id)), documentIdOf(url)]
      // Deleted from storage only: the repo's own `delete` empties the handle, which its
      // throttled save then writes back as an empty snapshot. The handles stay in memory,
      // unchanged (nothing syncs them now), until the page is next loaded.
      for (const id of ids) await repo.storageSubsystem?.removeDoc(id as DocumentId)
      handles.delete(url)
      loaded.delete(url)
      views.delete(url)
      repaired.delete(url)
    },

    async storedBytes(url) {
      const handle = loaded.get(url) ?? (await open(url))
      if (handle === null || !handle.isReady()) return null
      const parsed = parsePodDoc(handle.doc())
      let notes = 0
      let notesDocuments = 0
      for (const id of parsed.ok ? Object.keys(parsed.view.meetings) : []) {
        const notesId = notesDocumentIdOf(url, id) as DocumentId
        const bytes = await repo.storageSubsystem?.loadDocData(notesId)
        if (bytes == null) continue
        notes += bytes.length
        notesDocuments++
      }
      const stored = await repo.storageSubsystem?.loadDocData(handle.documentId)
      return { pod: stored?.length ?? Automerge.save(handle.doc()).length, notes, notesDocuments }
    },

    history(url) {
      const handle = loaded.get(url)
      return handle?.isReady() === true ? podHistory(handle.doc()) : null
    },

    async restore(url, heads) {
      const handle = await open(url)
      if (handle === null || !handle.isReady())
        throw new Error('This pod is not open on this device.')
      const doc = handle.doc()
      if (!Automerge.hasHeads(doc, [...heads]))
        throw new Error('That point is not in this pod’s history on this device.')
      const earlier = Automerge.toJS(Automerge.view(doc, [...heads])) as unknown as Record<
        string,
        unknown
      >
      const parsed = parsePodDoc(earlier)
      if (!parsed.ok)
        throw new Error('The pod could not be read at that point, so it was not restored.')
      const current = parsePodDoc(doc)
      const by =
        deviceKey === null || !current.ok ? null : memberForDevice(current.view, deviceKey)?.id
      handle.change((d) => restoreInto(d as unknown as Record<string, unknown>, earlier), {
        message: changeMessage(by ?? null, true),
      })
      await repo.flush([handle.documentId])
    },

    async keepOpen(url) {
      const handle = await open(url)
      if (handle?.isReady() === true) registerPod(handle, parsePodDoc(handle.doc()))
    },

    peek(url) {
      const handle = loaded.get(url)
      if (handle === undefined || !handle.isReady()) return null
      const heads = handle.heads().join(',')
      const cached = views.get(url)
      if (cached?.heads === heads) return cached.view
      const state = provenStateOf(handle)
      const view = state.status === 'ready' ? state.view : null
      views.set(url, { heads, view })
      return view
    },

    heads(url) {
      const handle = loaded.get(url)
      return handle?.isReady() === true ? [...handle.heads()] : null
    },

    async ensureSlotMeeting(url, containerId, slot) {
      const handle = await open(url)
      if (handle === null || !handle.isReady()) return
      const parsed = parsePodDoc(handle.doc())
      if (!parsed.ok || parsed.readOnly) return
      const container = ownEntry(parsed.view.containers, containerId)
      if (container === undefined || !isSlot(container, slot)) return
      // A slot recorded already (here or by another device) keeps its meeting.
      if (findMeetingForSlot(parsed.view, containerId, slot) !== null) return
      const change = slotMeetingChange(
        handle.doc(),
        handle.documentId,
        slotMeetingRecord(containerId, slot),
      )
      if (change === null) return
      handle.update((doc) => Automerge.applyChanges(doc, [change])[0])
    },

    changesMissingFrom(url, heads) {
      const handle = loaded.get(url)
      if (handle === undefined || !handle.isReady()) return null
      const doc = handle.doc()
      // The repo speaks of heads in its URL encoding; Automerge in hex. A head that is not
      // one, or that this device does not have, is left out.
      const known = heads.flatMap((h) => {
        try {
          const [hex] = decodeHeads([h] as unknown as UrlHeads)
          return hex !== undefined && Automerge.hasHeads(doc, [hex]) ? [hex] : []
        } catch {
          return []
        }
      })
      try {
        return Automerge.getChangesMetaSince(doc, known).length
      } catch {
        return null
      }
    },

    syncInfo(url, storageId) {
      const info = loaded.get(url)?.getSyncInfo(storageId as never)
      return info === undefined ? null : { heads: [...info.lastHeads], at: info.lastSyncTimestamp }
    },

    async exportBytes(url) {
      const handle = await open(url)
      if (handle === null || !handle.isReady()) return null
      return (await repo.export(handle.documentId)) ?? null
    },
  }
}
