/**
 * The pod store as the screens hold it from the first paint, before Automerge's wasm and the
 * repo are ready (main.tsx starts them together and renders at once).
 *
 * - `watch` shows the pod's cached view (podViewCache.ts) at once, marked `opening`, and hands
 *   over to the live document when it is ready: from then on only the live document's states
 *   are shown, so a cached view older than a merge is never shown as current.
 * - Edits (`change` and every other asynchronous call) wait for the live store and then run
 *   on the live document, so nothing typed or tapped while it opens is lost.
 * - Synchronous reads (`peek`, `heads`, `history`, …) answer null until the store is live.
 * - Whenever the live document settles on new heads, its view is written to the cache (after a
 *   short quiet spell and the repo's flush), so the next start paints what was last stored.
 */
import type { PodState, PodStore } from './podStore.ts'
import type { PodViewCache } from './podViewCache.ts'

/** How long a pod's view must stay unchanged before it is written to the cache. */
export const CACHE_QUIET_MS = 500

export interface DeferredPodStoreOptions {
  /** Resolves with the live store once the wasm and the repo are ready. */
  live: Promise<PodStore>
  cache: PodViewCache
  /** Timers, replaceable in tests. */
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
  /**
   * Resolves once what was just rendered has had a chance to paint. The live document's first
   * load is one long task (Automerge.load and parsing, seconds for years of history): started
   * before the cached view has painted, it would hold that paint back until it is done.
   */
  afterPaint?: () => Promise<void>
}

/** The next frame after this one, or a plain task in a hidden page (where frames do not run). */
export function nextPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function' || document.visibilityState !== 'visible') {
      setTimeout(resolve, 0)
      return
    }
    requestAnimationFrame(() => setTimeout(resolve, 0))
  })
}

export function deferredPodStore(options: DeferredPodStoreOptions): PodStore {
  const { live, cache } = options
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>))
  const afterPaint = options.afterPaint ?? nextPaint
  let store: PodStore | null = null
  void live.then((s) => (store = s))
  const pendingWrites = new Map<string, unknown>()

  /** Writes the pod's live view to the cache once it has been quiet and is flushed. */
  function keepInCache(url: string, state: PodState): void {
    if (state.status !== 'ready' || state.opening === true) return
    const previous = pendingWrites.get(url)
    if (previous !== undefined) clearTimer(previous)
    pendingWrites.set(
      url,
      setTimer(() => {
        pendingWrites.delete(url)
        void (async () => {
          const s = await live
          await s.flush().catch(() => {})
          const heads = s.heads(url)
          const view = s.peek(url)
          if (heads !== null && view !== null) await cache.put(url, { heads, view })
        })()
      }, CACHE_QUIET_MS),
    )
  }

  const later =
    <A extends unknown[], R>(pick: (s: PodStore) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const s = await live
      return pick(s).apply(s, args)
    }

  return {
    watch(url, listener) {
      let stopped = false
      let liveSeen = false
      let detach = () => {}
      const fromLive = (state: PodState) => {
        if (stopped) return
        // The live store's own "loading" would hide the cached view that is already shown.
        if (!liveSeen && state.status === 'loading') return
        liveSeen = true
        listener(state)
        keepInCache(url, state)
      }
      // The live store may be ready before this pod's document is: the cache shows it meanwhile.
      if (store !== null && store.peek(url) !== null) {
        detach = store.watch(url, fromLive)
        return () => {
          stopped = true
          detach()
        }
      }
      listener({ status: 'loading' })
      const shown = cache.get(url).then(async (cached) => {
        if (stopped || liveSeen || cached === null) return
        listener({
          status: 'ready',
          view: cached.view,
          problems: [],
          readOnly: false,
          disagreements: [],
          opening: true,
        })
        await afterPaint()
      })
      void Promise.all([live, shown]).then(([s]) => {
        if (!stopped) detach = s.watch(url, fromLive)
      })
      return () => {
        stopped = true
        detach()
      }
    },
    create: async (init, documentId) => (await live).create(init, documentId),
    change: async (url, command) => (await live).change(url, command),
    flush: later((s) => s.flush),
    exportBytes: later((s) => s.exportBytes),
    importBytes: later((s) => s.importBytes),
    mergeBytes: later((s) => s.mergeBytes),
    async removeFromDevice(url) {
      await (await live).removeFromDevice(url)
      await cache.remove(url)
    },
    storedBytes: later((s) => s.storedBytes),
    history: (url) => store?.history(url) ?? null,
    restore: later((s) => s.restore),
    keepOpen: later((s) => s.keepOpen),
    peek: (url) => store?.peek(url) ?? null,
    heads: (url) => store?.heads(url) ?? null,
    ensureSlotMeeting: later((s) => s.ensureSlotMeeting),
    changesMissingFrom: (url, heads) => store?.changesMissingFrom(url, heads) ?? null,
    syncInfo: (url, storageId) => store?.syncInfo(url, storageId) ?? null,
  }
}
