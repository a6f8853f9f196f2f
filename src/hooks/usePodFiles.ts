import { useCallback } from 'react'
import { memberForDevice } from '../domain/podQueries.ts'
import { podKeyOf } from '../adapters/automerge/podStore.ts'
import { useServices } from './services.ts'

/**
 * Saving a pod to a file and opening one: the whole history as Automerge bytes, so a pod
 * outlives any device or any version of Tend. An opened file becomes a new pod on this device,
 * with a new key: it is a copy, not a way into the original pod's sync.
 */
export function usePodFiles(): {
  exportPod: (url: string) => Promise<{ bytes: Uint8Array; fileName: string } | null>
  importPod: (bytes: Uint8Array) => Promise<string>
} {
  const services = useServices()
  const exportPod = useCallback(
    async (url: string) => {
      const bytes = await services.pods.exportBytes(url)
      if (bytes === null) return null
      const name = services.pods.peek(url)?.pod.name ?? podKeyOf(url)
      const safe = name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'pod'
      return { bytes, fileName: `${safe}.tend.automerge` }
    },
    [services],
  )
  const importPod = useCallback(
    async (bytes: Uint8Array) => {
      const { url, view } = await services.pods.importBytes(bytes)
      const now = Date.now()
      await services.device.putPod({
        url,
        name: view.pod.name,
        addedAt: now,
        lastOpenedAt: now,
        memberId: memberForDevice(view, services.deviceKeys.publicKeyText)?.id ?? null,
        secret: services.newSecret(),
        connection: await services.defaultConnection(),
        pendingJoin: null,
        lastSyncByKey: {},
        syncedHeads: null,
      })
      return url
    },
    [services],
  )
  return { exportPod, importPod }
}
