/**
 * The pod and notes documents' storage in IndexedDB, with the same database, store and key
 * layout as automerge-repo's own IndexedDB adapter (so documents stored by earlier versions of
 * Tend load unchanged). It exists because that adapter's writes wait for the transaction's
 * `complete` or `error` only: a write the browser aborts — a full device aborts the commit
 * with a QuotaExceededError — never settles, so nobody learns that nothing was kept. Here every
 * write settles: it resolves when the transaction commits and rejects when it errors or aborts
 * (idb's `tx.done`).
 */
import { openDB, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import type { StorageAdapterInterface } from '@automerge/automerge-repo'

type StorageKey = Parameters<StorageAdapterInterface['load']>[0]
type Chunk = Awaited<ReturnType<StorageAdapterInterface['loadRange']>>[number]

const STORE = 'documents'

export function indexedDbStorage(database: string): StorageAdapterInterface {
  const db: Promise<IDBPDatabase> = openDB(database, 1, {
    upgrade(d) {
      d.createObjectStore(STORE)
    },
  })
  const range = (prefix: StorageKey) => IDBKeyRange.bound(prefix, [...prefix, '\uffff'])
  type Store = IDBPObjectStore<unknown, [typeof STORE], typeof STORE, 'readwrite'>
  const write = async (run: (store: Store) => void) => {
    const tx = (await db).transaction(STORE, 'readwrite')
    run(tx.store)
    await tx.done
  }
  return {
    async load(key) {
      const value: unknown = await (await db).get(STORE, key)
      return typeof value === 'object' && value !== null && 'binary' in value
        ? (value as { binary: Uint8Array }).binary
        : undefined
    },
    save: (key, binary) =>
      write((store) => {
        void store.put({ key, binary }, key).catch(() => undefined)
      }),
    remove: (key) =>
      write((store) => {
        void store.delete(key).catch(() => undefined)
      }),
    async loadRange(prefix) {
      const chunks: Chunk[] = []
      let cursor = await (await db).transaction(STORE).store.openCursor(range(prefix))
      while (cursor !== null) {
        chunks.push({
          key: cursor.key as StorageKey,
          data: (cursor.value as { binary: Uint8Array }).binary,
        })
        cursor = await cursor.continue()
      }
      return chunks
    },
    removeRange: (prefix) =>
      write((store) => {
        void store.delete(range(prefix)).catch(() => undefined)
      }),
  }
}
