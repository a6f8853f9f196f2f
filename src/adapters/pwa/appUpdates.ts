/**
 * The service worker boundary: registers Workbox's worker (built by vite-plugin-pwa) and tells
 * the app when a new version is waiting. Updating is the person's choice ("reload to update"):
 * before the new worker takes over, the app flushes every pending document write to IndexedDB,
 * so nothing typed is lost by the reload.
 */
import { registerSW } from 'virtual:pwa-register'

export interface AppUpdates {
  /** Calls `listener` when a new version is ready; returns an unsubscribe. */
  onUpdateReady(listener: () => void): () => void
  /** Saves pending work with `beforeReload`, then activates the new version and reloads. */
  applyUpdate(beforeReload: () => Promise<void>): Promise<void>
  /** Whether a service worker controls this page (the app will start offline). */
  isOfflineReady(): boolean
}

export function registerAppUpdates(): AppUpdates {
  const listeners = new Set<() => void>()
  let updateReady = false
  if (!('serviceWorker' in navigator)) {
    return {
      onUpdateReady: () => () => {},
      applyUpdate: async (beforeReload) => {
        await beforeReload()
        location.reload()
      },
      isOfflineReady: () => false,
    }
  }
  const update = registerSW({
    immediate: true,
    onNeedRefresh() {
      updateReady = true
      listeners.forEach((l) => l())
    },
  })
  return {
    onUpdateReady(listener) {
      listeners.add(listener)
      if (updateReady) listener()
      return () => listeners.delete(listener)
    },
    async applyUpdate(beforeReload) {
      await beforeReload()
      await update(true)
    },
    isOfflineReady: () => navigator.serviceWorker.controller !== null,
  }
}
