/**
 * The notes store as the screens hold it before Automerge's wasm and the repo are ready: every
 * call waits for the live store (see deferredPodStore.ts for the pods).
 */
import type { NotesStore } from './notesStore.ts'

export function deferredNotesStore(live: Promise<NotesStore>): NotesStore {
  return {
    create: async (podUrl, input) => (await live).create(podUrl, input),
    open: async (url, podUrl) => (await live).open(url, podUrl),
    edits: async (podUrl, meetings, limit) => (await live).edits(podUrl, meetings, limit),
    keepOpen: async (url, podUrl) => (await live).keepOpen(url, podUrl),
    versions: async (url, podUrl) => (await live).versions(url, podUrl),
    restoreVersion: async (url, podUrl, heads) => (await live).restoreVersion(url, podUrl, heads),
    exportNotes: async (podUrl, meetingId) => (await live).exportNotes(podUrl, meetingId),
    mergeNotes: async (podUrl, input) => (await live).mergeNotes(podUrl, input),
  }
}
