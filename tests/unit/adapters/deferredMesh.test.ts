import { describe, expect, it } from 'vitest'
import { deferredMesh } from '../../../src/adapters/network/deferredMesh.ts'
import type { MeshService, MeshStatus } from '../../../src/adapters/network/meshService.ts'

/** A mesh that reports what it is told to and counts "try again". */
function fakeMesh() {
  const listeners = new Set<(s: MeshStatus) => void>()
  let current: MeshStatus | null = null
  const mesh = {
    tries: 0,
    status: () => current,
    subscribe(listener: (s: MeshStatus) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    tryAgain() {
      mesh.tries++
    },
    publish(status: MeshStatus) {
      current = status
      for (const l of listeners) l(status)
    },
    listenerCount: () => listeners.size,
  }
  return mesh
}

const status = (leader: boolean): MeshStatus => ({ leader, at: 1, pods: {} })

describe('deferredMesh', () => {
  it('has no status until the mesh loads, then passes on what it publishes to earlier listeners', async () => {
    let resolve: (m: MeshService) => void = () => {}
    const deferred = deferredMesh(new Promise<MeshService>((r) => (resolve = r)))
    const heard: boolean[] = []
    const stop = deferred.subscribe((s) => heard.push(s.leader))
    expect(deferred.status()).toBeNull()
    const real = fakeMesh()
    resolve(real)
    await Promise.resolve()
    await Promise.resolve()
    real.publish(status(true))
    expect(heard).toEqual([true])
    expect(deferred.status()?.leader).toBe(true)
    stop()
    expect(real.listenerCount()).toBe(0)
    real.publish(status(false))
    expect(heard).toEqual([true])
  })

  it('keeps a "try again" asked for before the mesh loaded, and forwards later ones at once', async () => {
    const real = fakeMesh()
    const loading = Promise.resolve<MeshService>(real)
    const deferred = deferredMesh(loading)
    deferred.tryAgain()
    expect(real.tries).toBe(0)
    await loading
    await Promise.resolve()
    expect(real.tries).toBe(1)
    deferred.tryAgain()
    expect(real.tries).toBe(2)
  })

  it('subscribes a listener that arrives after the mesh has loaded directly', async () => {
    const real = fakeMesh()
    const loading = Promise.resolve<MeshService>(real)
    const deferred = deferredMesh(loading)
    await loading
    await Promise.resolve()
    const heard: boolean[] = []
    deferred.subscribe((s) => heard.push(s.leader))
    real.publish(status(false))
    expect(heard).toEqual([false])
  })
})
