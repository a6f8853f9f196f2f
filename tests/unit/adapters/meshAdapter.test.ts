import { describe, expect, it } from 'vitest'
import { Repo, cbor, type PeerId } from '@automerge/automerge-repo'
import { runNetworkAdapterTests } from '@automerge/automerge-repo/helpers/tests/network-adapter-tests.js'
import { TendMeshAdapter, type Admission } from '../../../src/adapters/network/meshAdapter.ts'
import { MemoryRoomHub } from '../support/memoryRooms.ts'

const POD = 'pod-under-test'

const admitAll: Admission = {
  credentials: async () => null,
  sign: async (_pod, nonce) => `signed:${nonce}`,
  verify: async (_pod, claim) => claim.signature === `signed:${claim.nonce}`,
}

function adapter(hub: MemoryRoomHub, pods = [POD], admission = admitAll) {
  const a = new TendMeshAdapter({ openRoom: hub.open, admission, readyGraceMs: 100, tallyMs: 50 })
  for (const pod of pods) a.addPod(pod)
  return a
}

runNetworkAdapterTests(async () => {
  const hub = new MemoryRoomHub()
  return { adapters: [adapter(hub), adapter(hub), adapter(hub)] }
}, 'TendMeshAdapter over in-memory rooms')

function waitFor(check: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const start = Date.now()
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve()
      if (Date.now() - start > limitMs) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(tick, 10)
    }
    tick()
  })
}

describe('TendMeshAdapter', () => {
  it('resolves whenReady with nobody around, so opening never waits for the network', async () => {
    const alone = adapter(new MemoryRoomHub())
    alone.connect('alone' as PeerId)
    await alone.whenReady()
    expect(alone.isReady()).toBe(true)
    alone.disconnect()
  })

  it('keeps out a peer that fails admission', async () => {
    const hub = new MemoryRoomHub()
    const refuseB: Admission = { ...admitAll, verify: async (_p, claim) => claim.peerId !== 'b' }
    const a = adapter(hub, [POD], refuseB)
    const b = adapter(hub)
    const seen: string[] = []
    a.on('peer-candidate', ({ peerId }) => seen.push(peerId))
    a.connect('a' as PeerId)
    b.connect('b' as PeerId)
    await new Promise((r) => setTimeout(r, 200))
    expect(seen).toEqual([])
    expect(b.connectedPeers()).toEqual([])
  })

  it('drops a message whose senderId is not the peer it came from', async () => {
    const hub = new MemoryRoomHub()
    const a = adapter(hub)
    const b = adapter(hub)
    const received: unknown[] = []
    b.on('message', (m) => received.push(m))
    a.connect('a' as PeerId)
    b.connect('b' as PeerId)
    await waitFor(() => b.connectedPeers().length === 1, 'peers to meet')
    // Rewrite a's next envelope so it claims to come from "mallory".
    hub.filter = (_from, _to, data) => {
      const envelope = cbor.decode(data) as { k: string; m?: { senderId: string } }
      if (envelope.k === 'm' && envelope.m !== undefined) {
        envelope.m.senderId = 'mallory'
        hub.filter = () => true
        hub.deliver(POD, _from, _to, cbor.encode(envelope))
        return false
      }
      return true
    }
    a.send({
      type: 'ephemeral',
      senderId: 'a' as PeerId,
      targetId: 'b' as PeerId,
      data: new Uint8Array([1]),
    } as never)
    await waitFor(() => b.dropped.wrongSender === 1, 'the forged message to be dropped')
    expect(received).toEqual([])
    a.send({
      type: 'ephemeral',
      senderId: 'a' as PeerId,
      targetId: 'b' as PeerId,
      data: new Uint8Array([2]),
    } as never)
    await waitFor(() => received.length === 1, 'the honest message')
    expect(received[0]).toMatchObject({ senderId: 'a', data: new Uint8Array([2]) })
  })

  it('resets a peer when a message is lost, and the repos still converge', async () => {
    const hub = new MemoryRoomHub()
    const a = adapter(hub)
    const b = adapter(hub)
    const disconnects: string[] = []
    a.on('peer-disconnected', ({ peerId }) => disconnects.push(peerId))
    b.on('peer-disconnected', ({ peerId }) => disconnects.push(peerId))
    const alice = new Repo({ network: [a], peerId: 'alice' as PeerId })
    const bob = new Repo({ network: [b], peerId: 'bob' as PeerId })
    const handle = alice.create<{ items: string[] }>({ items: [] })
    await waitFor(() => b.connectedPeers().length === 1, 'peers to meet')
    const bobHandle = await bob.find<{ items: string[] }>(handle.url)
    // Lose exactly one message: alice's next sync message to bob, the one carrying changes.
    let dropped = false
    hub.filter = (_from, _to, data) => {
      const envelope = cbor.decode(data) as { k: string; m?: { senderId: string; type: string } }
      if (dropped || envelope.m?.senderId !== 'alice' || envelope.m.type !== 'sync') return true
      dropped = true
      return false
    }
    for (let i = 0; i < 5; i++) handle.change((d) => void d.items.push(`item ${i}`))
    await waitFor(() => bobHandle.doc().items.length === 5, 'bob to get every item')
    expect(dropped).toBe(true)
    // Both sides restarted sync with each other.
    expect(disconnects.sort()).toEqual(['alice', 'bob'])
    expect(bobHandle.doc().items).toEqual(['item 0', 'item 1', 'item 2', 'item 3', 'item 4'])
  })

  it('announces a peer in two pods once, and disconnects it only when it left both', async () => {
    const hub = new MemoryRoomHub()
    const a = adapter(hub, ['pod-1', 'pod-2'])
    const b = adapter(hub, ['pod-1', 'pod-2'])
    const events: string[] = []
    a.on('peer-candidate', ({ peerId }) => events.push(`candidate ${peerId}`))
    a.on('peer-disconnected', ({ peerId }) => events.push(`disconnected ${peerId}`))
    a.connect('a' as PeerId)
    b.connect('b' as PeerId)
    await waitFor(() => a.connectedPeers()[0]?.pods.length === 2, 'both rooms')
    expect(events).toEqual(['candidate b'])
    await b.removePod('pod-1')
    expect(a.connectedPeers()).toEqual([
      { peerId: 'b', pods: ['pod-2'], storageId: null, credentials: null },
    ])
    expect(events).toEqual(['candidate b'])
    await b.removePod('pod-2')
    expect(events).toEqual(['candidate b', 'disconnected b'])
  })
})

describe('TendMeshAdapter: a lost link', () => {
  /** A (which records lost links) and B, met in one pod's room. */
  async function metPair() {
    const hub = new MemoryRoomHub()
    const lost: string[] = []
    const a = new TendMeshAdapter({
      openRoom: hub.open,
      admission: admitAll,
      readyGraceMs: 100,
      onLinkLost: (podKey) => lost.push(podKey),
    })
    a.addPod(POD)
    const b = adapter(hub)
    a.connect('a' as PeerId)
    b.connect('b' as PeerId)
    await waitFor(() => a.hasPeersIn(POD), 'a and b to meet')
    return { a, b, lost, hub }
  }

  it('reports a link that went away, so the device tries to reach the members again', async () => {
    const { a, b, lost, hub } = await metPair()
    // B's device drops off the network: its room goes away under A.
    hub.drop(POD, 't2') // B's transport id: A's room opened first
    await waitFor(() => !a.hasPeersIn(POD), 'a to notice')
    expect(lost).toEqual([POD])
    a.disconnect()
    b.disconnect()
  })

  // Regression: a member who reopened its room looked like a lost link to the others, who
  // replaced their signaling connections and lost the offers on their way to them.
  it('does not report a member who left the room over a working link', async () => {
    const { a, b, lost } = await metPair()
    await b.removePod(POD)
    await waitFor(() => !a.hasPeersIn(POD), 'a to notice')
    expect(lost).toEqual([])
    a.disconnect()
  })

  it('does not report a pod this device left itself', async () => {
    const { a, b, lost } = await metPair()
    await a.removePod(POD)
    expect(a.hasPeersIn(POD)).toBe(false)
    expect(lost).toEqual([])
    b.disconnect()
  })
})
