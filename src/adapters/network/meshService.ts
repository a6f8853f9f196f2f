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
import type { ConnectionSettings, DeviceStore, PodEntry } from '../device/deviceStore.ts'
import type { PodStore } from '../automerge/podStore.ts'
import type { ShareRules } from '../automerge/shareRules.ts'
import { podKeyOf } from '../automerge/podStore.ts'
import { recentNotesUrls, type NotesStore } from '../automerge/notesStore.ts'
import { TendMeshAdapter, type Admission } from './meshAdapter.ts'
import { meshDebug } from './debugLog.ts'
import type { PathKind, RoomOpener } from './meshRoom.ts'
import { ComeBackPolicy, HIDDEN_LONG_MS, RejoinSchedule, type ComeBackReason } from './comeBack.ts'
import { parseRoomKey, roomKeyFor } from './lobbies.ts'
import type { PodKeeper } from './podKeeper.ts'
import { keyStateOf } from '../crypto/podKeyring.ts'

export interface PodMeshStatus {
  /**
   * Whether a signaling service of this pod answers: needed to find peers, not to keep them.
   * `connecting` for the first seconds after the pod's room opens, so a page that just loaded
   * does not flash "no member can be reached" while its broker connection is being made.
   */
  signaling: 'reachable' | 'connecting' | 'unreachable' | 'none'
  /** Connected devices, by public key, and how this device reaches each. */
  peers: { publicKey: string; path: PathKind }[]
  /** Whether this device has changes no member's device has confirmed yet. */
  waiting: boolean
  /**
   * For each member's device seen before (by public key): how many changes this device holds
   * that it has not confirmed. Devices never seen are absent.
   */
  waitingFor: Record<string, number>
  /** A member's device was found lately but no network path reached it (a relay may help). */
  unreachable: boolean
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
  /** Tries at once to reach the pods' members again (the leader tab does it for every tab). */
  tryAgain(): void
}

export interface MeshServiceOptions {
  repo: Repo
  device: DeviceStore
  pods: PodStore
  /** When given, the notes of each pod's recent meetings are kept loaded so they sync too. */
  notes?: NotesStore
  shareRules: ShareRules
  openRoom: RoomOpener
  admission: Admission
  signalingReachable: (urls: string[]) => boolean
  /** When the relay credentials a pod's rooms were opened with should be renewed (epoch ms). */
  renewAt?: (connection: ConnectionSettings) => number | null
  /** Called before a pod's room is reopened because no path reached a member. */
  onUnreachable?: (connection: ConnectionSettings) => void
  /**
   * Makes the signaling connections anew where they may be dead (after a network cut, an old
   * one may be), keeping one made since the network came back (see comeBack.replacesSignaling).
   */
  refreshSignaling?: (reason: ComeBackReason) => void
  /**
   * Whether the rooms' subscriptions may have been lost with the network (a room was still
   * subscribing when it went, or opened while it was gone); asked once per come-back. The
   * rooms are then reopened (see comeBack.reopensOnReturn).
   */
  lostSubscriptions?: () => boolean
  /**
   * Makes new connections see the network as it is now (a page that started offline never
   * does by itself). Resolves true when this page had not seen the network at all; then every
   * attempt in progress was hopeless and is dropped.
   */
  freshAttempts?: (startedOffline: boolean) => Promise<boolean>
  /** Keeps each pod's secret on its current key epoch (see podKeeper.ts), after every sync. */
  keeper?: PodKeeper
  lockName?: string
  channelName?: string
  statusEveryMs?: number
}

/** How long a device removed from a pod may stay connected before it is no longer served. */
const REMOVED_SERVED_MS = 10_000

/** A pod's room is reopened at most this often when members cannot be reached. */
const RETRY_UNREACHABLE_MS = 20_000
/** "Cannot reach a member" stays on screen this long after the last failed attempt. */
const UNREACHABLE_SHOWN_MS = 120_000
/** How long a pod's broker connection may take before the pod is called unreachable. */
const SIGNALING_GRACE_MS = 6_000

/** How long after start the leader begins loading pods that no screen asked for. */
const BACKGROUND_LOAD_DELAY_MS = 2000

/** "Try again now" waits this long at most for the signaling service before reopening rooms. */
const TRY_AGAIN_WAIT_MS = 10_000

/** A member's device synced with within this time is expected back after a come-back. */
const RECENT_SYNC_MS = 10 * 60_000

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
  let comeBack: ((reason: ComeBackReason) => void) | null = null
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data === 'status?') {
      if (leading && current !== null) channel.postMessage(current)
      return
    }
    if (event.data === 'try-again') {
      comeBack?.('try-again')
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
    // A peer may be in a pod's room and in one of its lobbies: it is served the pod while it is
    // in any of them.
    const roomsOfPeer = new Map<string, Set<string>>()
    const admit = (peerId: PeerId, roomKey: string) => {
      const rooms = roomsOfPeer.get(peerId) ?? new Set<string>()
      rooms.add(roomKey)
      roomsOfPeer.set(peerId, rooms)
      shareRules.admitPeer(peerId, parseRoomKey(roomKey).podKey)
    }
    const dismiss = (peerId: PeerId, roomKey: string) => {
      const rooms = roomsOfPeer.get(peerId)
      rooms?.delete(roomKey)
      const { podKey } = parseRoomKey(roomKey)
      if (rooms !== undefined && [...rooms].some((r) => parseRoomKey(r).podKey === podKey)) return
      if (rooms?.size === 0) roomsOfPeer.delete(peerId)
      shareRules.dismissPeer(peerId, podKey)
    }
    const adapter = new TendMeshAdapter({
      openRoom: options.openRoom,
      admission: options.admission,
      onAdmit: admit,
      onDismiss: dismiss,
      onPeersChanged: () => {
        if (adapter.connectedPeers().length > 0) policy.reached()
        void refresh()
      },
      onUnreachable: (podKey: string) => void retryUnreachable(podKey),
      onLinkLost: () => comeBack?.('link-lost'),
    })
    const policy = new ComeBackPolicy()
    repo.networkSubsystem.addNetworkAdapter(adapter)

    let entries: PodEntry[] = []
    const joined = new Set<string>()
    const lastUnreachable = new Map<string, number>()
    const firstSeen = new Map<string, number>()
    const lastRetry = new Map<string, number>()
    /** Per pod: the member devices (public keys) this page has been connected to. */
    const seenMembers = new Map<string, Set<string>>()
    /** Per pod: the member devices connected at the last status, and when one was last added. */
    const connectedNow = new Map<string, Set<string>>()
    const lastReached = new Map<string, number>()
    /** Per pod: when to reopen its room after coming back (see comeBack.RejoinSchedule). */
    const rejoins = new Map<string, RejoinSchedule>()
    const rejoinOf = (podKey: string) => {
      let schedule = rejoins.get(podKey)
      if (schedule === undefined) rejoins.set(podKey, (schedule = new RejoinSchedule()))
      return schedule
    }
    /**
     * Leaves a pod's room and joins it again, once at a time per pod: two reopens at once (a
     * come-back and "nobody reachable" fired together, measured) joined while Trystero was still
     * leaving, got the leaving room back, and announced nothing until the next reopen.
     */
    const reopening = new Map<string, Promise<void>>()
    const reopen = (room: string): Promise<void> => {
      const running = reopening.get(room)
      if (running !== undefined) return running
      const done = adapter
        .removePod(room)
        .then(() => adapter.addPod(room))
        .finally(() => reopening.delete(room))
      reopening.set(room, done)
      return done
    }
    // The repo offers only loaded documents, so every pod is loaded — but one at a time and
    // after the first screen has had its turn, so opening the pod in front of the person is
    // never queued behind years of other pods' history.
    let backlog: Promise<void> = new Promise((resolve) =>
      setTimeout(resolve, BACKGROUND_LOAD_DELAY_MS),
    )
    const loadInBackground = (url: string): Promise<void> => {
      backlog = backlog.then(() => pods.keepOpen(url)).catch(() => undefined)
      return backlog
    }
    // A page that starts with no network waits for it before joining rooms: Chromium gives such
    // a page no view of the network even after it returns (see trysteroRoom.renewNetworkView),
    // and every attempt made before would fail and hold the other side up for half a minute.
    let roomsAllowed = globalThis.navigator?.onLine !== false
    /** Each pod's room on its current secret (its other rooms are lobbies of former secrets). */
    const currentRoom = new Map<string, string>()
    const roomOf = (podKey: string) => currentRoom.get(podKey) ?? podKey
    /** Whether a connected peer is in any of a pod's rooms. */
    const inPod = (peer: { pods: string[] }, podKey: string) =>
      peer.pods.some((r) => parseRoomKey(r).podKey === podKey)
    // A device removed from a pod joins none of its rooms again (it keeps its own copy). A new
    // key epoch opens the new secret's room; the old room stays open, as a lobby.
    const syncPods = async () => {
      entries = (await device.listPods()).filter(
        (e) => e.secret !== null && e.connection !== null && e.removed == null,
      )
      const keys = new Set<string>()
      for (const entry of entries) {
        const podKey = podKeyOf(entry.url)
        const current = roomKeyFor(podKey, entry.secret ?? '')
        currentRoom.set(podKey, current)
        keys.add(current)
        if (entry.pendingJoin === null)
          for (const former of entry.formerSecrets ?? [])
            keys.add(roomKeyFor(podKey, former.secret))
        shareRules.registerDocument(podKey, podKey)
        if (!roomsAllowed) {
          void loadInBackground(entry.url).then(() => keepNotesOpen(entry.url))
          continue
        }
        if (!joined.has(current))
          void loadInBackground(entry.url).then(() => keepNotesOpen(entry.url))
      }
      if (!roomsAllowed) return
      for (const roomKey of keys) {
        if (joined.has(roomKey)) continue
        joined.add(roomKey)
        adapter.addPod(roomKey)
      }
      for (const roomKey of [...joined]) {
        if (!keys.has(roomKey)) {
          joined.delete(roomKey)
          void adapter.removePod(roomKey)
        }
      }
    }

    // A device removed from a pod while connected is served until it holds the removal (so it
    // can say why it was removed), for a few seconds at most, then no more.
    const removedSince = new Map<string, number>()
    const dropRemovedPeers = async (entry: PodEntry, now: number) => {
      const view = pods.peek(entry.url)
      if (view === null) return
      const podKey = podKeyOf(entry.url)
      const connected = adapter.connectedPeers().filter((p) => inPod(p, podKey))
      if (connected.length === 0) return
      const state = await keyStateOf(view, podKey)
      if (state.removedDevices.size === 0) return
      const heads = pods.heads(entry.url)
      for (const peer of connected) {
        const key = publicKeyOf(peer.credentials)
        if (key === null || !state.removedDevices.has(key)) continue
        const first = removedSince.get(peer.peerId) ?? now
        removedSince.set(peer.peerId, first)
        const info = peer.storageId === null ? null : pods.syncInfo(entry.url, peer.storageId)
        if (now - first > REMOVED_SERVED_MS || sameHeads(info?.heads ?? null, heads)) {
          meshDebug(`room ${podKey.slice(0, 6)}: a removed device is no longer served`)
          shareRules.dismissPeer(peer.peerId, podKey)
        }
      }
    }

    // Notes documents a peer created arrive as URLs in the pod; loading them here lets this tab
    // serve them to members who reconnect later (only loaded documents are offered).
    const keepNotesOpen = (podUrl: string) => {
      const view = options.notes === undefined ? null : pods.peek(podUrl)
      if (view === null) return
      for (const url of recentNotesUrls(view)) void options.notes?.keepOpen(url, podUrl)
    }

    const refresh = async () => {
      const peers = adapter.connectedPeers()
      const now = Date.now()
      const status: MeshStatus = { leader: true, at: now, pods: {} }
      for (const entry of entries) {
        const podKey = podKeyOf(entry.url)
        keepNotesOpen(entry.url)
        if (options.keeper !== undefined) void options.keeper.tend(entry)
        void dropRemovedPeers(entry, now)
        const heads = pods.heads(entry.url)
        const podPeers: PodMeshStatus['peers'] = []
        const lastSync = { ...entry.lastSyncByKey }
        const held = { ...entry.heldByKey }
        let syncedHeads = entry.syncedHeads
        for (const peer of peers.filter((p) => inPod(p, podKey))) {
          const publicKey = publicKeyOf(peer.credentials)
          if (publicKey === null) continue
          const room = peer.pods.find((r) => parseRoomKey(r).podKey === podKey) ?? podKey
          podPeers.push({ publicKey, path: await adapter.pathTo(peer.peerId, room) })
          const info = peer.storageId === null ? null : pods.syncInfo(entry.url, peer.storageId)
          if (info !== null && info.heads.length > 0) held[publicKey] = info.heads
          if (info !== null && sameHeads(info.heads, heads)) {
            if (now - (lastSync[publicKey] ?? 0) > SYNC_RECORD_MS) lastSync[publicKey] = now
            syncedHeads = heads
          }
        }
        const changed =
          (syncedHeads !== entry.syncedHeads && !sameHeads(syncedHeads, entry.syncedHeads)) ||
          Object.entries(lastSync).some(([k, v]) => entry.lastSyncByKey[k] !== v) ||
          Object.entries(held).some(([k, v]) => !sameHeads(v, entry.heldByKey?.[k] ?? null))
        if (changed) {
          // Written only when something changed; the entry in memory follows, so the next
          // tick compares with what was written.
          Object.assign(entry, { lastSyncByKey: lastSync, syncedHeads, heldByKey: held })
          void device.updatePod(entry.url, {
            lastSyncByKey: lastSync,
            syncedHeads,
            heldByKey: held,
          })
        }
        const waitingFor: Record<string, number> = {}
        for (const [publicKey, peerHeads] of Object.entries(held)) {
          const missing = pods.changesMissingFrom(entry.url, peerHeads)
          if (missing !== null) waitingFor[publicKey] = missing
        }
        const urls = entry.connection?.signalingUrls ?? []
        // Members reached before who are still missing after a come-back: the room is
        // reopened, with fresh offers, once signaling answers.
        const seen = seenMembers.get(podKey) ?? new Set<string>()
        seenMembers.set(podKey, seen)
        const connectedKeys = new Set(podPeers.map((p) => p.publicKey))
        const before = connectedNow.get(podKey) ?? new Set<string>()
        if ([...connectedKeys].some((k) => !before.has(k))) lastReached.set(podKey, now)
        connectedNow.set(podKey, connectedKeys)
        connectedKeys.forEach((k) => seen.add(k))
        // A page that loaded just before the cut has reached nobody yet: the devices this one
        // synced with lately count too.
        for (const [k, at] of Object.entries(lastSync)) if (now - at < RECENT_SYNC_MS) seen.add(k)
        if (
          joined.has(roomOf(podKey)) &&
          options.signalingReachable(urls) &&
          rejoinOf(podKey).shouldReopen(
            now,
            [...seen].some((k) => !connectedKeys.has(k)),
            lastReached.get(podKey) ?? null,
          )
        ) {
          meshDebug(
            `room ${podKey.slice(0, 6)}: members still missing after coming back; reopening`,
          )
          void reopen(roomOf(podKey))
        }
        if (!firstSeen.has(podKey)) firstSeen.set(podKey, now)
        const inGrace = now - (firstSeen.get(podKey) ?? now) < SIGNALING_GRACE_MS
        status.pods[podKey] = {
          signaling:
            urls.length === 0
              ? 'none'
              : options.signalingReachable(urls)
                ? 'reachable'
                : inGrace
                  ? 'connecting'
                  : 'unreachable',
          peers: podPeers,
          waiting: heads !== null && !sameHeads(heads, syncedHeads),
          waitingFor,
          unreachable:
            podPeers.length === 0 &&
            now - (lastUnreachable.get(podKey) ?? 0) < UNREACHABLE_SHOWN_MS,
        }
      }
      publish(status)
      channel.postMessage(status)
      // Should the online event have been missed, the status tick notices the network.
      if (!roomsAllowed && globalThis.navigator?.onLine !== false) comeBack?.('online')
    }

    // Rooms keep the ICE servers they were opened with: shortly before relay credentials
    // expire, leave and rejoin so new connections get fresh ones.
    const renewCredentials = async () => {
      const due = entries.filter((e) => {
        const at = e.connection === null ? null : (options.renewAt?.(e.connection) ?? null)
        return at !== null && at <= Date.now()
      })
      for (const entry of due) {
        const room = roomOf(podKeyOf(entry.url))
        meshDebug(`room ${room.slice(0, 6)}: relay credentials due; reopening`)
        await reopen(room)
      }
    }

    // A member was found but no path worked: perhaps the relay credentials expired or were
    // refused, perhaps the relay is down. Fetch credentials again and reopen the room — but only
    // while nobody in the pod is connected (reopening drops live links), and not too often.
    const retryUnreachable = async (roomKey: string) => {
      const { podKey } = parseRoomKey(roomKey)
      const now = Date.now()
      lastUnreachable.set(podKey, now)
      if (
        // With no network nothing is reachable, and a room reopened now could not subscribe.
        globalThis.navigator?.onLine === false ||
        now - (lastRetry.get(roomKey) ?? 0) < RETRY_UNREACHABLE_MS ||
        adapter.hasPeersIn(roomKey) ||
        !joined.has(roomKey)
      )
        return
      const entry = entries.find((e) => podKeyOf(e.url) === podKey)
      if (!options.signalingReachable(entry?.connection?.signalingUrls ?? [])) return
      lastRetry.set(roomKey, now)
      meshDebug(`room ${podKey.slice(0, 6)}: nobody reachable; new credentials, reopening`)
      if (entry?.connection != null) options.onUnreachable?.(entry.connection)
      await reopen(roomKey)
      void refresh()
    }

    // Finding the members again after the network comes back (see comeBack.ts): the signaling
    // connection is made anew so the rooms announce themselves again; "Try again now" also
    // reopens the rooms where nobody is connected, with fresh offers.
    let reaching = false
    const tryToReach = async (reason: ComeBackReason) => {
      if (reaching || !policy.shouldAct(reason, Date.now())) return
      meshDebug(`trying again to reach members (${reason})`)
      if (reason === 'link-lost') {
        // A dropped link says little about this device's network: the rooms stay as they are,
        // and a fresh signaling connection announces them again.
        options.refreshSignaling?.(reason)
        return
      }
      reaching = true
      try {
        if (!roomsAllowed) {
          // This page started with no network: its rooms open now, on a view of the network
          // that is current, so no attempt is made that could never work.
          await options.freshAttempts?.(true)
          roomsAllowed = true
          await syncPods()
          return
        }
        // The network changed: the signaling connection is replaced, and the rooms announce
        // themselves again through it. Attempts in progress are left to finish: ending one
        // keeps the other side waiting for its own to expire (about 23 s). A page that was
        // online before keeps a current view of the network (measured), so only the person's
        // "try again" checks it and starts the rooms where nobody is connected afresh.
        options.refreshSignaling?.(reason)
        if (reason === 'online' && options.lostSubscriptions?.() === true) {
          meshDebug('a room was subscribing when the network went; reopening the rooms')
          for (const roomKey of [...joined]) await reopen(roomKey)
        }
        if (reason === 'online' || reason === 'visible')
          for (const entry of entries) rejoinOf(podKeyOf(entry.url)).cameBack(Date.now())
        if (reason !== 'try-again') return
        await options.freshAttempts?.(false)
        // Rooms reopen with fresh offers only once their service answers: a room joined while
        // its signaling connection is down never announces itself.
        const until = Date.now() + TRY_AGAIN_WAIT_MS
        const reachable = (entry: PodEntry) =>
          options.signalingReachable(entry.connection?.signalingUrls ?? [])
        while (Date.now() < until && !entries.every(reachable))
          await new Promise((resolve) => setTimeout(resolve, 200))
        for (const entry of entries) {
          const room = roomOf(podKeyOf(entry.url))
          if (adapter.hasPeersIn(room) || !reachable(entry)) continue
          await reopen(room)
        }
      } finally {
        reaching = false
      }
      void refresh()
    }
    comeBack = (reason) => void tryToReach(reason)
    let hiddenSince: number | null = null
    globalThis.addEventListener?.('online', () => comeBack?.('online'))
    globalThis.document?.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') {
        hiddenSince = Date.now()
      } else if (hiddenSince !== null) {
        const hiddenFor = Date.now() - hiddenSince
        hiddenSince = null
        if (hiddenFor >= HIDDEN_LONG_MS) comeBack?.('visible')
      }
    })

    await syncPods()
    setInterval(() => void renewCredentials(), 60_000)
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
    tryAgain: () => {
      if (comeBack !== null) comeBack('try-again')
      else channel.postMessage('try-again')
    },
    status: () => current,
    subscribe(listener) {
      listeners.add(listener)
      if (current !== null) listener(current)
      return () => listeners.delete(listener)
    },
  }
}
