/**
 * Creates the tab's automerge-repo `Repo`: IndexedDB storage and whatever network adapters the
 * app passes in. One Repo per tab; its peer id is `<deviceId>~<random>`, unique per tab (routing
 * in automerge-repo is by peer id, first route wins) yet tied to this device, so the share rules
 * can tell this device's own tabs from other members' devices.
 */
import { loadStoredDocumentsFast } from './fastStorageLoad.ts'
import { Repo, type NetworkAdapterInterface, type PeerId } from '@automerge/automerge-repo'
import type { StorageAdapterInterface } from '@automerge/automerge-repo'
import type { ShareRules } from './shareRules.ts'
import { randomId } from '../crypto/encoding.ts'

export interface TendRepoOptions {
  deviceId: string
  storage: StorageAdapterInterface
  network: NetworkAdapterInterface[]
  shareRules: ShareRules
}

/** Separates the device id from the per-tab part of a repo peer id. */
export const PEER_ID_SEPARATOR = '~'

export function tabPeerId(deviceId: string): PeerId {
  return `${deviceId}${PEER_ID_SEPARATOR}${randomId()}` as PeerId
}

/** The device id inside a Tend repo peer id, or null when it is not one. */
export function deviceIdOfPeer(peerId: string): string | null {
  const at = peerId.indexOf(PEER_ID_SEPARATOR)
  return at > 0 ? peerId.slice(0, at) : null
}

/** The tab's repo; stored documents open with `Automerge.load` (fastStorageLoad.ts). */
export function createTendRepo(options: TendRepoOptions): Repo {
  const repo = new Repo({
    peerId: tabPeerId(options.deviceId),
    storage: options.storage,
    network: options.network,
    shareConfig: {
      announce: async (peerId, documentId) => options.shareRules.mayShare(peerId, documentId),
      access: async (peerId, documentId) => options.shareRules.mayShare(peerId, documentId),
    },
  })
  loadStoredDocumentsFast(repo)
  return repo
}
