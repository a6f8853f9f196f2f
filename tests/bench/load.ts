// Built only for `npm run bench` (TEND_BENCH=1): exposes a bare Automerge.load timer, and the
// repo's `find` of the same document from IndexedDB, on the same origin as the app, so the
// figures come from the same browser and page machinery.
import { initializeWasm, next as Automerge } from '@automerge/automerge/slim'
import wasmUrl from '@automerge/automerge/automerge.wasm?url'
import { Repo, type DocumentId } from '@automerge/automerge-repo'
import { indexedDbStorage } from '../../src/adapters/automerge/indexedDbStorage.ts'
import { loadStoredDocumentsFast } from '../../src/adapters/automerge/fastStorageLoad.ts'

declare global {
  interface Window {
    benchReady: Promise<void>
    benchLoad: (bytes: number[]) => number
    /** Stores the document in IndexedDB through a repo; resolves with its id. */
    benchStore: (bytes: number[]) => Promise<string>
    /** A fresh repo's `find` of a stored document until ready, as Tend opens it or not (ms). */
    benchFind: (id: string, tendLoad: boolean) => Promise<number>
  }
}

const STORAGE = 'tend-bench-find'

window.benchReady = initializeWasm(wasmUrl)
window.benchLoad = (bytes) => {
  const data = new Uint8Array(bytes)
  const start = performance.now()
  const doc = Automerge.load(data)
  const elapsed = performance.now() - start
  if (Object.keys(doc).length === 0) throw new Error('empty document')
  return elapsed
}
window.benchStore = async (bytes) => {
  const repo = new Repo({ storage: indexedDbStorage(STORAGE) })
  const handle = repo.import(new Uint8Array(bytes))
  await repo.flush()
  await repo.shutdown()
  return handle.documentId
}
window.benchFind = async (id, tendLoad) => {
  const repo = new Repo({ storage: indexedDbStorage(STORAGE) })
  if (tendLoad) loadStoredDocumentsFast(repo)
  const start = performance.now()
  const handle = await repo.find(id as DocumentId)
  const elapsed = performance.now() - start
  if (Object.keys(handle.doc() as object).length === 0) throw new Error('empty document')
  await repo.shutdown()
  return elapsed
}
