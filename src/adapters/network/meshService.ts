/**
 * One WebRTC mesh per device. The tab that holds the Web Lock `tend-mesh` is the leader: it
 * joins every pod's room, loads every pod so the repo offers it, and publishes the mesh status
 * (who is connected, how, whether signaling is reachable) on a BroadcastChannel. Other tabs
 * sync their documents with the leader over automerge-repo's BroadcastChannel adapter and show
 * the status it publishes. When the leader tab closes, its lock is released and the next tab
 * takes over.
 *
 * Assumes Web Locks and BroadcastChannel (every browser Tend supports). Without Web Locks the
 * tab leads alone.
 */
import type { PeerId, Repo } from '@automerge/automerge-repo'
import type { DeviceStore, PodEntry } from '../device/deviceStore.ts'
import type { PodStore } from '../automerge/podStore.ts'
import type { ShareRules } from '../automerge/shareRules.ts'
import { podKeyOf } from '../automerge/podStore.ts'
import { TendMeshAdapter, type Admission } from './meshAdapter.ts'
import type { PathKind, RoomOpener } from './meshRoom.ts'

export interface PodMeshStatus {
  /** Whether a signaling service of this pod answers: needed to find peers, not to keep them. */
  signaling: 'reachable' | 'unreachable' | 'none'
  /** Connected devices, by public key, and how this device reaches each. */
  peers: { publicKey: string; path: PathKind }[]
  /** Whether this device has changes no member's device has confirmed yet. */
  waiting: boolean
}

export interface MeshStatus {
  /** Whether this tab runs the mesh (otherwise another tab does). */
  leader: boolean
  /** Epoch ms of this status. */
  at: number
  pods: Record<string, PodMeshStatus>
}

export interface MeshService {
  status(): MeshStatus | null
  subscribe(listener: (status: MeshStatus) => void): () => void
}

export interface MeshServiceOptions {
  repo: Repo
  device: DeviceStore
  pods: PodStore
  shareRules: ShareRules
  openRoom: RoomOpener
  admission: Admission
  signalingReachable: (urls: string[]) => boolean
  lockName?: string
  channelName?: string
  statusEveryMs?: number
}

/** Records "last synced with" at most this often per member, to spare IndexedDB. */
const SYNC_RECORD_MS = 30_000

function sameHeads(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null || a.length !== b.length) return false
  const set = new Set(a)
  return b.every((h) => set.has(h))
}

function publicKeyOf(credentials: unknown): string | null {
  if (typeof credentials !== 'object' || credentials === null) return null
  const key = (credentials as Record<string, unknown>)['publicKey']
  return typeof key === 'string' ? key : null
}

export function startMeshService(options: MeshServiceOptions): MeshService {
  const listeners = new Set<(status: MeshStatus) => void>()
  const channel = new BroadcastChannel(options.channelName ?? 'tend-mesh-status')
  let current: MeshStatus | null = null
  let leading = false

  const publish = (status: MeshStatus) => {
    current = status
    listeners.forEach((l) => l(status))
  }
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data === 'status?') {
      if (leading && current !== null) channel.postMessage(current)
      return
    }
    if (!leading && typeof event.data === 'object' && event.data !== null) {
      publish({ ...(event.data as MeshStatus), leader: false })
    }
  }
  channel.postMessage('status?')

  const lead = async (): Promise<void> => {
    leading = true
    const { repo, device, pods, shareRules } = options
    const adapter = new TendMeshAdapter({
      openRoom: options.openRoom,
      admission: options.admission,
      onAdmit: (peerId: PeerId, podKey: string) => shareRules.admitPeer(peerId, podKey),
      onDismiss: (peerId: PeerId, podKey: string) => shareRules.dismissPeer(peerId, podKey),
      onPeersChanged: () => void refresh(),
    })
    repo.networkSubsystem.addNetworkAdapter(adapter)

    let entries: PodEntry[] = []
    const joined = new Set<string>()
    const syncPods = async () => {
      entries = (await device.listPods()).filter((e) => e.secret !== null && e.connection !== null)
      const keys = new Set(entries.map((e) => podKeyOf(e.url)))
      for (const entry of entries) {
        const podKey = podKeyOf(entry.url)
        shareRules.registerDocument(podKey, podKey)
        if (!joined.has(podKey)) {
          joined.add(podKey)
          adapter.addPod(podKey)
          void pods.keepOpen(entry.url)
        }
      }
      for (const podKey of [...joined]) {
        if (!keys.has(podKey)) {
          joined.delete(podKey)
          void adapter.removePod(podKey)
        }
      }
    }

    const refresh = async () => {
      const peers = adapter.connectedPeers()
      const now = Date.now()
      const status: MeshStatus = { leader: true, at: now, pods: {} }
      for (const entry of entries) {
        const podKey = podKeyOf(entry.url)
        const heads = pods.heads(entry.url)
        const podPeers: PodMeshStatus['peers'] = []
        const lastSync = { ...entry.lastSyncByKey }
        let syncedHeads = entry.syncedHeads
        for (const peer of peers.filter((p) => p.pods.includes(podKey))) {
          const publicKey = publicKeyOf(peer.credentials)
          if (publicKey === null) continue
          podPeers.push({ publicKey, path: await adapter.pathTo(peer.peerId, podKey) })
          const info = peer.storageId === null ? null : pods.syncInfo(entry.url, peer.storageId)
          if (info !== null && sameHeads(info.heads, heads)) {
            if (now - (lastSync[publicKey] ?? 0) > SYNC_RECORD_MS) lastSync[publicKey] = now
            syncedHeads = heads
          }
        }
        if (syncedHeads !== entry.syncedHeads || lastSync !== entry.lastSyncByKey) {
          const changed =
            !sameHeads(syncedHeads, entry.syncedHeads) ||
            Object.entries(lastSync).some(([k, v]) => entry.lastSyncByKey[k] !== v)
          if (changed) void device.updatePod(entry.url, { lastSyncByKey: lastSync, syncedHeads })
        }
        const urls = entry.connection?.signalingUrls ?? []
        status.pods[podKey] = {
          signaling:
            urls.length === 0
              ? 'none'
              : options.signalingReachable(urls)
                ? 'reachable'
                : 'unreachable',
          peers: podPeers,
          waiting: heads !== null && !sameHeads(heads, syncedHeads),
        }
      }
      publish(status)
      channel.postMessage(status)
    }

    await syncPods()
    device.subscribe(() => void syncPods().then(refresh))
    await refresh()
    setInterval(() => void refresh(), options.statusEveryMs ?? 2000)
    // Hold the lock for the life of the tab.
    await new Promise<never>(() => {})
  }

  if ('locks' in navigator) {
    void navigator.locks.request(options.lockName ?? 'tend-mesh', lead)
  } else {
    void lead()
  }

  return {
    status: () => current,
    subscribe(listener) {
      listeners.add(listener)
      if (current !== null) listener(current)
      return () => listeners.delete(listener)
    },
  }
}
