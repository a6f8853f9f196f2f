/**
 * The last plain view of each pod, kept in IndexedDB (database `tend-pod-views`) beside the
 * heads of the document it was read from, so the screens can paint a pod before Automerge's
 * wasm and the document have loaded (design.md, "Opening fast after years"). A copy for speed
 * only: never synced, never the record. Anything unreadable in it counts as absent.
 */
import { openDB, type IDBPDatabase } from 'idb'
import type { PodDoc } from '../../schema/podDocument.ts'

/** One pod's cached view and the document heads it shows. */
export interface CachedPodView {
  heads: string[]
  view: PodDoc
}

export interface PodViewCache {
  /** The pod's last view, or null if none is kept (or the database cannot be read). */
  get(url: string): Promise<CachedPodView | null>
  /** Keeps the pod's view at `heads`; resolves once written (or failed: the cache is optional). */
  put(url: string, entry: CachedPodView): Promise<void>
  /** Forgets a pod (removed from this device). */
  remove(url: string): Promise<void>
}

const STORE = 'views'

function isCachedView(value: unknown): value is CachedPodView {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<CachedPodView>
  return (
    Array.isArray(v.heads) &&
    v.heads.every((h) => typeof h === 'string') &&
    typeof v.view === 'object' &&
    v.view !== null
  )
}

/** The cache in this browser's IndexedDB. */
export function indexedDbPodViewCache(database = 'tend-pod-views'): PodViewCache {
  let db: Promise<IDBPDatabase> | null = null
  const open = () =>
    (db ??= openDB(database, 2, {
      // Version 2: also makes the store in a database that was opened before it had one.
      upgrade(d) {
        if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE)
      },
    }))
  return {
    async get(url) {
      try {
        const value: unknown = await (await open()).get(STORE, url)
        return isCachedView(value) ? value : null
      } catch {
        return null
      }
    },
    async put(url, entry) {
      try {
        await (await open()).put(STORE, { heads: [...entry.heads], view: entry.view }, url)
      } catch {
        // A full or broken cache costs speed, never data: the document is the record.
      }
    },
    async remove(url) {
      try {
        await (await open()).delete(STORE, url)
      } catch {
        // As above.
      }
    },
  }
}

/** The cache in memory, for tests. */
export function memoryPodViewCache(): PodViewCache & { entries: Map<string, CachedPodView> } {
  const entries = new Map<string, CachedPodView>()
  return {
    entries,
    get: async (url) => entries.get(url) ?? null,
    put: async (url, entry) => void entries.set(url, structuredClone(entry)),
    remove: async (url) => void entries.delete(url),
  }
}
