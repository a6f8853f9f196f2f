/**
 * Device data: what this device knows about itself and its pods — the person's display name,
 * the list of pods with their secrets and connection settings, the device's signing keys.
 * It lives in an IndexedDB database of its own (`tend-device`, through `idb`) and is never
 * synced. Tabs of the same browser hear of each other's writes over a BroadcastChannel, so a
 * pod created in one tab shows up in the others.
 *
 * Assumes IndexedDB and BroadcastChannel exist (every browser Tend supports; `fake-indexeddb`
 * in unit tests).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { JourneyStage } from '../../schema/podDocument.ts'
import { completeKeys, generateDeviceKeys, type DeviceKeys } from '../crypto/deviceIdentity.ts'
import { completeSealingKeys, generateSealingKeys, type SealingKeys } from '../crypto/sealing.ts'

export interface DeviceProfile {
  displayName: string
  stage: JourneyStage
}

/** How a pod reaches its members' devices. Kept per device; passed on in invite links. */
export interface ConnectionSettings {
  /** MQTT-over-WebSocket URLs of the signaling service(s). */
  signalingUrls: string[]
  /** STUN/TURN servers; empty means "same network only". */
  iceServers: RTCIceServer[]
  /** Where to fetch short-lived TURN credentials, or null. */
  iceEndpoint: string | null
  /** The community's passphrase for relay credentials, if it asks for one. Never shared. */
  passphrase: string | null
}

/** This device's entry for one pod. */
export interface PodEntry {
  /** The pod document's automerge URL. */
  url: string
  /** The pod's name as last seen, so the list renders before any document loads. */
  name: string
  addedAt: number
  lastOpenedAt: number | null
  /** Which member of the pod this device belongs to. */
  memberId: string | null
  /** The pod secret, base64url (32 bytes); null only for pods made before sharing existed. */
  secret: string | null
  connection: ConnectionSettings | null
  /** Set while this device is joining by invite, until its member record is in the pod. */
  pendingJoin: PendingJoin | null
  /** When this device last exchanged changes with each member's device (public key → ms). */
  lastSyncByKey: Record<string, number>
  /** The pod's heads the last time a peer was seen to hold everything this device had. */
  syncedHeads: string[] | null
  /**
   * The pod's heads each member's device (by public key) was last seen to hold, so the sync
   * panel can say how many changes are still waiting for each. Absent in older entries.
   */
  heldByKey?: Record<string, string[]>
  /**
   * The device link of a whole-pod file that restored this pod on this device: shown in the
   * handshake (until it expires) so the others' devices admit this one before they have heard
   * that it was added under its member. Absent otherwise.
   */
  rejoin?: { inviteId: string; expiresAt: number } | null
  /** The key epoch of `secret` (0: the pod's first secret). Absent: not known yet. */
  epoch?: number
  /**
   * Secrets of earlier epochs (newest first, a few at most): their rooms stay open as lobbies
   * where a member's device that was away during a re-key finds the others and learns the new
   * secret; only active members' devices are let in there.
   */
  formerSecrets?: { secret: string; epoch: number }[]
  /** Set when this device sees it was removed from the pod: it joins no room of it again. */
  removed?: { at: number; byName: string | null; wholeMember: boolean } | null
}

export interface PendingJoin {
  inviteId: string
  expiresAt: number
  invitedBy: string
  name: string
  stage: JourneyStage
  /** Joining as one more device of an existing member (a device link), not as a new member. */
  asDevice?: boolean
}

interface DeviceDB extends DBSchema {
  profile: { key: string; value: DeviceProfile }
  pods: { key: string; value: PodEntry; indexes: { addedAt: number } }
  keys: { key: string; value: { privateKey: CryptoKey; publicKey: CryptoKey } }
}

export interface DeviceStore {
  getProfile(): Promise<DeviceProfile | null>
  setProfile(profile: DeviceProfile): Promise<void>
  listPods(): Promise<PodEntry[]>
  getPod(url: string): Promise<PodEntry | null>
  putPod(entry: PodEntry): Promise<void>
  /** Changes some fields of a pod entry; does nothing if the pod is not on this device. */
  updatePod(url: string, patch: Partial<Omit<PodEntry, 'url'>>): Promise<void>
  removePod(url: string): Promise<void>
  /** The device's signing keys, created on first use. */
  keys(): Promise<DeviceKeys>
  /** The device's X25519 sealing keys (new pod secrets are sealed to them), created on first use. */
  sealingKeys(): Promise<SealingKeys>
  /** Calls `listener` after any write, in this tab or another. Returns an unsubscribe. */
  subscribe(listener: () => void): () => void
  close(): void
}

const DB_VERSION = 1

/** Opens (and creates or upgrades) the device database. */
export async function openDeviceStore(name = 'tend-device'): Promise<DeviceStore> {
  const db: IDBPDatabase<DeviceDB> = await openDB<DeviceDB>(name, DB_VERSION, {
    upgrade(database) {
      database.createObjectStore('profile')
      const pods = database.createObjectStore('pods', { keyPath: 'url' })
      pods.createIndex('addedAt', 'addedAt')
      database.createObjectStore('keys')
    },
  })
  const channel = new BroadcastChannel(`${name}-changes`)
  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((l) => l())
  channel.onmessage = notify
  const changed = () => {
    notify()
    channel.postMessage('changed')
  }
  let keysPromise: Promise<DeviceKeys> | null = null
  let sealingPromise: Promise<SealingKeys> | null = null
  /** Reads a key pair stored under `name`, or stores `fresh()` — the first of racing tabs wins. */
  const keyPair = async <T>(
    name: string,
    fresh: () => Promise<T & { privateKey: CryptoKey; publicKey: CryptoKey }>,
    complete: (privateKey: CryptoKey, publicKey: CryptoKey) => Promise<T>,
  ): Promise<T> => {
    const stored = await db.get('keys', name)
    if (stored !== undefined) return complete(stored.privateKey, stored.publicKey)
    const made = await fresh()
    const tx = db.transaction('keys', 'readwrite')
    const again = await tx.store.get(name)
    if (again === undefined)
      await tx.store.put({ privateKey: made.privateKey, publicKey: made.publicKey }, name)
    await tx.done
    return again === undefined ? made : complete(again.privateKey, again.publicKey)
  }

  return {
    async getProfile() {
      return (await db.get('profile', 'me')) ?? null
    },
    async setProfile(profile) {
      await db.put('profile', profile, 'me')
      changed()
    },
    async listPods() {
      return db.getAllFromIndex('pods', 'addedAt')
    },
    async getPod(url) {
      return (await db.get('pods', url)) ?? null
    },
    async putPod(entry) {
      await db.put('pods', entry)
      changed()
    },
    async updatePod(url, patch) {
      const tx = db.transaction('pods', 'readwrite')
      const current = await tx.store.get(url)
      if (current !== undefined) await tx.store.put({ ...current, ...patch, url })
      await tx.done
      if (current !== undefined) changed()
    },
    async removePod(url) {
      await db.delete('pods', url)
      changed()
    },
    keys() {
      // Two tabs may race to create keys: the first write wins and both use it.
      keysPromise ??= keyPair('device', generateDeviceKeys, completeKeys)
      return keysPromise
    },
    sealingKeys() {
      sealingPromise ??= keyPair('sealing', generateSealingKeys, completeSealingKeys)
      return sealingPromise
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      channel.close()
      db.close()
    },
  }
}
