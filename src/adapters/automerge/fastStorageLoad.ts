/**
 * Opening a stored document at the speed of `Automerge.load`.
 *
 * automerge-repo 2.5 loads a stored document with `loadIncremental` onto an empty document,
 * which builds a patch for every object in it; its DocHandle then takes the same patches again
 * with a full `diff` from the empty document (Automerge 3.5 caches the first set, but records it
 * as starting from `undefined` heads rather than `[]`, so the cache never answers). For a
 * five-year pod that made `repo.find` 2.75–3.66× a bare `Automerge.load` of the same bytes.
 *
 * `loadStoredDocumentsFast(repo)` replaces the repo's storage load with `Automerge.load` of the
 * same chunks (snapshots first, as the repo reads them), and records on the loaded document that
 * its change from the empty document has no patches, so the handle's first `diff` is free and
 * no `change` event fires for the load itself (nothing listens before a handle is ready). What
 * this assumes of automerge-repo: `storageSubsystem.loadDoc` is the one path from storage to a
 * handle, and `loadDocData` reads the chunks. Of Automerge: a document's internal state is at
 * `Symbol.for('_am_meta')` with a `mostRecentPatch` cache that `diff` consults. If either is
 * not there, or `Automerge.load` refuses the chunks (a change whose dependencies are missing),
 * the repo's own load runs instead.
 *
 * One difference in storage: the repo no longer learns which heads are stored when it loads,
 * so its first save of each document after a load writes one compact snapshot (and removes the
 * chunks it read) instead of an incremental chunk. Storage stays one snapshot per document plus
 * the session's increments, which is also what loads fastest next time.
 */
import type { DocumentId, Repo } from '@automerge/automerge-repo'
import { next as Automerge } from '@automerge/automerge/slim'

const STATE = Symbol.for('_am_meta')

interface InternalState {
  handle?: unknown
  mostRecentPatch?: { before: string[] | undefined; after: string[] | undefined; patches: [] }
}

/** Makes `repo.find` of a stored document cost about one `Automerge.load`. */
export function loadStoredDocumentsFast(repo: Repo): void {
  const storage = repo.storageSubsystem
  if (storage === undefined) return
  const repoLoad = storage.loadDoc.bind(storage)
  storage.loadDoc = async <T>(documentId: DocumentId): Promise<Automerge.Doc<T> | null> => {
    const binary = await storage.loadDocData(documentId)
    if (binary === null) return null
    let doc: Automerge.Doc<T>
    try {
      doc = Automerge.load<T>(binary)
    } catch {
      return repoLoad<T>(documentId)
    }
    const state = Reflect.get(doc as object, STATE) as InternalState | undefined
    if (typeof state !== 'object' || state === null || state.handle === undefined) {
      return repoLoad<T>(documentId)
    }
    state.mostRecentPatch = { before: [], after: Automerge.getHeads(doc), patches: [] }
    return doc
  }
}
