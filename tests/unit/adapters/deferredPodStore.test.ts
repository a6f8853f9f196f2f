import { describe, expect, it } from 'vitest'
import { deferredPodStore } from '../../../src/adapters/automerge/deferredPodStore.ts'
import { memoryPodViewCache } from '../../../src/adapters/automerge/podViewCache.ts'
import type { PodState, PodStore } from '../../../src/adapters/automerge/podStore.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'

const URL = 'automerge:pod1'

/** A pod view with only what these tests read. */
const viewNamed = (name: string, members: string[] = []) =>
  ({
    pod: { name },
    members: Object.fromEntries(members.map((m) => [m, { name: m }])),
  }) as unknown as PodDoc

/** A live store over one plain view: watch, change, flush, heads and peek. */
function fakeLive(initial: PodDoc) {
  const view = structuredClone(initial)
  let heads = ['h1']
  const listeners = new Set<(s: PodState) => void>()
  const ready = (): PodState => ({
    status: 'ready',
    view: structuredClone(view),
    problems: [],
    readOnly: false,
    disagreements: [],
  })
  const live = {
    watch(_url: string, listener: (s: PodState) => void) {
      listener({ status: 'loading' })
      listener(ready())
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async change<T>(_url: string, command: (doc: PodDoc) => T): Promise<T> {
      const result = command(view)
      heads = [`h${Number(heads[0]?.slice(1)) + 1}`]
      for (const l of listeners) l(ready())
      return result
    },
    flush: async () => {},
    heads: () => heads,
    peek: () => structuredClone(view),
  }
  return live as unknown as PodStore
}

/** Timers run by the test. */
function manualTimers() {
  const due: (() => void)[] = []
  return {
    setTimer: (fn: () => void) => due.push(fn),
    clearTimer: () => {},
    runAll: () => due.splice(0).forEach((fn) => fn()),
    afterPaint: async () => {},
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('deferredPodStore', () => {
  it('shows the cached view as opening, then only the live document', async () => {
    const cache = memoryPodViewCache()
    await cache.put(URL, { heads: ['h0'], view: viewNamed('Old name') })
    let resolveLive: (s: PodStore) => void = () => {}
    const store = deferredPodStore({
      live: new Promise((r) => (resolveLive = r)),
      cache,
      ...manualTimers(),
    })
    const seen: PodState[] = []
    store.watch(URL, (s) => seen.push(s))
    await settle()
    expect(seen.map((s) => s.status)).toEqual(['loading', 'ready'])
    const cached = seen[1]
    expect(cached?.status === 'ready' && cached.opening === true && cached.view.pod.name).toBe(
      'Old name',
    )
    resolveLive(fakeLive(viewNamed('Thursday circle')))
    await settle()
    // The live store's own "loading" is not shown over the cached view; its view replaces it.
    expect(seen.map((s) => s.status)).toEqual(['loading', 'ready', 'ready'])
    const last = seen.at(-1)
    expect(last?.status === 'ready' && last.opening === undefined && last.view.pod.name).toBe(
      'Thursday circle',
    )
  })

  // Regression: with the wasm already ready, a pod whose document was still loading skipped its
  // cached view and showed nothing until the document had loaded.
  it('shows the cached view when the store is live but the pod’s document is not loaded yet', async () => {
    const cache = memoryPodViewCache()
    await cache.put(URL, { heads: ['h0'], view: viewNamed('Thursday circle') })
    const live = fakeLive(viewNamed('Thursday circle'))
    const notLoaded = { ...live, peek: () => null } as PodStore
    const store = deferredPodStore({ live: Promise.resolve(notLoaded), cache, ...manualTimers() })
    await settle()
    const seen: PodState[] = []
    store.watch(URL, (s) => seen.push(s))
    await settle()
    const first = seen.find((s) => s.status === 'ready')
    expect(first?.status === 'ready' && first.opening).toBe(true)
    const last = seen.at(-1)
    expect(last?.status).toBe('ready')
    expect(last?.status === 'ready' ? last.opening : 'not ready').toBeUndefined()
  })

  it('runs an edit made before the document is ready on the live document', async () => {
    let resolveLive: (s: PodStore) => void = () => {}
    const store = deferredPodStore({
      live: new Promise((r) => (resolveLive = r)),
      cache: memoryPodViewCache(),
      ...manualTimers(),
    })
    const edit = store.change(URL, (doc) => {
      doc.pod.name = 'Renamed while opening'
      return 'done'
    })
    const live = fakeLive(viewNamed('Thursday circle'))
    resolveLive(live)
    expect(await edit).toBe('done')
    expect(live.peek(URL)?.pod.name).toBe('Renamed while opening')
  })

  it('caches the live view with its heads once it has been quiet, never the cached copy', async () => {
    const cache = memoryPodViewCache()
    const timers = manualTimers()
    const live = fakeLive(viewNamed('Thursday circle', ['Amara']))
    const store = deferredPodStore({ live: Promise.resolve(live), cache, ...timers })
    await settle()
    store.watch(URL, () => {})
    await live.change(URL, (doc) => {
      ;(doc.members as Record<string, { name: string }>)['Bo'] = { name: 'Bo' }
    })
    expect(cache.entries.size).toBe(0)
    timers.runAll()
    await settle()
    expect(cache.entries.get(URL)?.heads).toEqual(['h2'])
    expect(Object.keys(cache.entries.get(URL)?.view.members ?? {})).toEqual(['Amara', 'Bo'])
  })

  it('answers synchronous reads with null until the store is live', async () => {
    const store = deferredPodStore({
      live: new Promise<PodStore>(() => {}),
      cache: memoryPodViewCache(),
      afterPaint: async () => {},
    })
    expect(store.peek(URL)).toBeNull()
    expect(store.heads(URL)).toBeNull()
    expect(store.history(URL)).toBeNull()
  })
})

describe('creating a pod through the deferred store', () => {
  // Regression: the deferred store dropped the founder's derived key, so every pod made in the
  // app had a random one and its founder's signed membership proved nothing (no member showed).
  it('passes the founder’s key for the new pod on to the live store', async () => {
    const asked: (string | undefined)[] = []
    const live = {
      create: async (init: (doc: PodDoc) => unknown, documentId?: string) => {
        asked.push(documentId)
        return { url: `automerge:${documentId ?? 'random'}`, result: init(viewNamed('New')) }
      },
    } as unknown as PodStore
    const store = deferredPodStore({ live: Promise.resolve(live), cache: memoryPodViewCache() })
    const made = await store.create(() => 'done', 'derivedKey')
    expect(asked).toEqual(['derivedKey'])
    expect(made).toEqual({ url: 'automerge:derivedKey', result: 'done' })
  })
})
