import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openDeviceStore, type PodEntry } from '../../../src/adapters/device/deviceStore.ts'
import { verify, sign } from '../../../src/adapters/crypto/deviceIdentity.ts'

let counter = 0
const freshName = () => `tend-device-test-${++counter}`

function entry(url: string, addedAt: number): PodEntry {
  return {
    url,
    name: url,
    addedAt,
    lastOpenedAt: null,
    memberId: null,
    secret: null,
    connection: null,
    pendingJoin: null,
    lastSyncByKey: {},
    syncedHeads: null,
  }
}

describe('device store', () => {
  it('keeps the profile and lists pods in the order they were added', async () => {
    const store = await openDeviceStore(freshName())
    expect(await store.getProfile()).toBeNull()
    await store.setProfile({ displayName: 'Amara', stage: 'experienced' })
    await store.putPod(entry('automerge:b', 2))
    await store.putPod(entry('automerge:a', 1))
    expect(await store.getProfile()).toEqual({ displayName: 'Amara', stage: 'experienced' })
    expect((await store.listPods()).map((p) => p.url)).toEqual(['automerge:a', 'automerge:b'])
    await store.updatePod('automerge:a', { name: 'Renamed' })
    await store.updatePod('automerge:missing', { name: 'x' })
    expect((await store.getPod('automerge:a'))?.name).toBe('Renamed')
    expect(await store.getPod('automerge:missing')).toBeNull()
    store.close()
  })

  it('tells other tabs (other store instances) about writes', async () => {
    const name = freshName()
    const tabA = await openDeviceStore(name)
    const tabB = await openDeviceStore(name)
    const heard = new Promise<void>((done) => tabB.subscribe(done))
    await tabA.putPod(entry('automerge:x', 1))
    await heard
    expect((await tabB.listPods()).map((p) => p.url)).toEqual(['automerge:x'])
    tabA.close()
    tabB.close()
  })

  it('creates one signing key pair per device and keeps it', async () => {
    const name = freshName()
    const first = await openDeviceStore(name)
    const keys = await first.keys()
    first.close()
    const again = await openDeviceStore(name)
    const same = await again.keys()
    expect(same.publicKeyText).toBe(keys.publicKeyText)
    expect(same.deviceId).toBe(keys.deviceId)
    const data = new TextEncoder().encode('challenge')
    const signature = await sign(same, data)
    expect(await verify(keys.publicKeyText, data, signature)).toBe(true)
    expect(await verify(keys.publicKeyText, new TextEncoder().encode('other'), signature)).toBe(
      false,
    )
    again.close()
  })
})
