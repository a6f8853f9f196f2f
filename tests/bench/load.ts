// Built only for `npm run bench` (TEND_BENCH=1): exposes a bare Automerge.load timer on the
// same origin as the app, so both figures come from the same browser and page machinery.
import { initializeWasm, next as Automerge } from '@automerge/automerge/slim'
import wasmUrl from '@automerge/automerge/automerge.wasm?url'

declare global {
  interface Window {
    benchReady: Promise<void>
    benchLoad: (bytes: number[]) => number
  }
}

window.benchReady = initializeWasm(wasmUrl)
window.benchLoad = (bytes) => {
  const data = new Uint8Array(bytes)
  const start = performance.now()
  const doc = Automerge.load(data)
  const elapsed = performance.now() - start
  if (Object.keys(doc).length === 0) throw new Error('empty document')
  return elapsed
}
