/**
 * The mesh as the screens hold it before it has loaded. Trystero, its MQTT client and the mesh
 * adapter are about a third of Tend's JavaScript and the first screen needs none of them, so the
 * composition root loads them after the first paint (`import()`) and hands the screens this
 * stand-in at once: no status until the mesh is running, listeners that start hearing it as soon
 * as it does, and a "try again" that waits for it.
 */
import type { MeshService, MeshStatus } from './meshService.ts'

/** A MeshService that forwards to `loading` once it resolves. */
export function deferredMesh(loading: Promise<MeshService>): MeshService {
  let mesh: MeshService | null = null
  let tryAgainWaiting = false
  const listeners = new Set<(status: MeshStatus) => void>()
  const stops = new Map<(status: MeshStatus) => void, () => void>()
  loading.then(
    (loaded) => {
      mesh = loaded
      for (const listener of listeners) stops.set(listener, loaded.subscribe(listener))
      if (tryAgainWaiting) loaded.tryAgain()
    },
    (error: unknown) => console.error('The mesh could not start', error),
  )
  return {
    status: () => mesh?.status() ?? null,
    subscribe(listener) {
      listeners.add(listener)
      if (mesh !== null) stops.set(listener, mesh.subscribe(listener))
      return () => {
        listeners.delete(listener)
        stops.get(listener)?.()
        stops.delete(listener)
      }
    },
    tryAgain() {
      if (mesh !== null) mesh.tryAgain()
      else tryAgainWaiting = true
    },
  }
}
