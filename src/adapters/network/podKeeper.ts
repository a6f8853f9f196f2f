/**
 * Keeps this device's copy of each pod's secret on the current key epoch, run by the leader tab
 * after every sync (see meshService.ts). For one pod it:
 * - notices when this device (or its member) was removed, records it on the device, and stops;
 * - publishes this device's signed sealing key when the pod does not list it;
 * - moves the stored secret to the newest epoch's secret sealed to this device, keeping the
 *   old one as a lobby secret (its room stays open for devices that were away);
 * - when a removal took effect and no epoch carried it out, makes the new epoch — at once on
 *   the device that made the removal take effect, after a grace period on any other holder
 *   (should that device have gone away), so two devices rarely re-key together; when they do,
 *   the lowest signature wins and nothing else is needed;
 * - grants the current secret to active devices its epoch missed.
 * Assumes the pod store and device store of this device; writes to the pod only through domain
 * commands, and never throws (a failure is logged and tried again on the next sync).
 */
import type { DeviceStore, PodEntry } from '../device/deviceStore.ts'
import type { PodStore } from '../automerge/podStore.ts'
import { podKeyOf } from '../automerge/podStore.ts'
import {
  publishSealingKey,
  recordConfirmation,
  recordRemoval,
  recordKeyEpoch,
  recordKeyGrant,
  removalOfDevice,
} from '../../domain/keyEpochs.ts'
import { memberForDevice } from '../../domain/podQueries.ts'
import { ownEntry } from '../../schema/idMap.ts'
import { parsePodDoc } from '../../schema/parsePodDoc.ts'
import { isPlainRecord } from '../../schema/plainRecord.ts'
import {
  epochOfSecret,
  keyStateOf,
  makeGrants,
  makeKeyEpoch,
  openCurrentSecret,
  sealingKeyToPublish,
  type DeviceKeyring,
} from '../crypto/podKeyring.ts'
import { meshDebug } from './debugLog.ts'

export interface PodKeeper {
  /** Brings one pod's keys up to date on this device; resolves when done (never rejects). */
  tend(entry: PodEntry): Promise<void>
  /**
   * A member's device refused this one and sent a removal as the reason. It is recorded in this
   * device's copy of the pod only when, checked there (signatures, who asked, who confirmed), it
   * is a removal of this device; anything else is dropped. Never rejects.
   */
  acceptRemovalNotice(podKey: string, notice: unknown): Promise<void>
}

export interface PodKeeperOptions {
  device: DeviceStore
  pods: PodStore
  ring: () => Promise<DeviceKeyring>
  now: () => number
  newId: () => string
  /** How long another device's removal may wait for its own re-key before this one makes it. */
  rekeyGraceMs?: number
}

/** How many former secrets a device keeps open as lobbies. */
export const FORMER_SECRETS_KEPT = 3

export function createPodKeeper(options: PodKeeperOptions): PodKeeper {
  const busy = new Set<string>()
  /** Pod → when this device first saw a re-key due that it did not make. */
  const dueSince = new Map<string, number>()
  const grace = options.rekeyGraceMs ?? 30_000

  const adopt = async (entry: PodEntry, secret: string, epoch: number) => {
    const fresh = (await options.device.getPod(entry.url)) ?? entry
    if (fresh.secret === secret) {
      if (fresh.epoch !== epoch) await options.device.updatePod(entry.url, { epoch })
      return
    }
    const former = [
      ...(fresh.secret === null ? [] : [{ secret: fresh.secret, epoch: fresh.epoch ?? 0 }]),
      ...(fresh.formerSecrets ?? []),
    ]
      .filter(
        (f, i, all) => f.secret !== secret && all.findIndex((g) => g.secret === f.secret) === i,
      )
      .slice(0, FORMER_SECRETS_KEPT)
    meshDebug(`pod ${podKeyOf(entry.url).slice(0, 6)}: now on key epoch ${epoch}`)
    await options.device.updatePod(entry.url, { secret, epoch, formerSecrets: former })
  }

  const tendOnce = async (entry: PodEntry): Promise<void> => {
    if (entry.pendingJoin !== null || entry.secret === null || entry.removed != null) return
    const view = options.pods.peek(entry.url)
    if (view === null) return
    const ring = await options.ring()
    const me = ring.keys.publicKeyText
    const member = memberForDevice(view, me)
    if (member === null) return
    const podKey = podKeyOf(entry.url)
    const state = await keyStateOf(view, podKey)

    const removal = removalOfDevice(state, me)
    if (removal !== null) {
      const by = memberForDevice(view, removal.by)
      await options.device.updatePod(entry.url, {
        removed: {
          at: removal.at,
          byName: by === null || by.id === member.id ? null : by.name,
          wholeMember: removal.removal.deviceKey === null,
        },
      })
      return
    }

    const publish = await sealingKeyToPublish(view, podKey, ring)
    if (publish !== null) {
      await options.pods.change(entry.url, (doc) => publishSealingKey(doc, publish))
      return // the next sync sees the key listed
    }

    let secret = entry.secret
    const mine = await epochOfSecret(view, podKey, secret)
    if (!mine.current) {
      const opened = await openCurrentSecret(view, podKey, ring)
      if (opened === null) return // not sealed to this device (yet): a holder grants it
      await adopt(entry, opened.secret, opened.epoch)
      secret = opened.secret
    } else if (entry.epoch !== mine.epoch) {
      await options.device.updatePod(entry.url, { epoch: mine.epoch })
    }

    if (state.needsRekey) {
      const now = options.now()
      // The device that made the removal take effect re-keys at once; when that device removed
      // itself, the remaining device with the lowest key does. Others wait, in case it is away.
      const lowest = state.activeDevices.map((d) => d.deviceKey).sort()[0]
      const madeHere = state.effective.some(
        (e) =>
          e.epochSeen >= state.current.epoch &&
          (e.by === me || (state.removedDevices.has(e.by) && lowest === me)),
      )
      const since = dueSince.get(podKey) ?? now
      dueSince.set(podKey, since)
      if (!madeHere && now - since < grace) return
      dueSince.delete(podKey)
      const made = await makeKeyEpoch(state, podKey, ring, { now, id: options.newId() })
      await options.pods.change(entry.url, (doc) => recordKeyEpoch(doc, made.entry))
      await adopt(entry, made.secret, made.entry.epoch)
      return
    }
    dueSince.delete(podKey)

    if (state.missingGrants.length > 0) {
      const grants = await makeGrants(state, podKey, ring, { now: options.now(), secret })
      if (grants.length > 0)
        await options.pods.change(entry.url, (doc) => {
          for (const g of grants) recordKeyGrant(doc, g)
        })
    }
  }

  const acceptRemovalNotice = async (podKey: string, notice: unknown): Promise<void> => {
    const url = `automerge:${podKey}`
    const view = options.pods.peek(url)
    if (view === null || !isPlainRecord(notice)) return
    const id = notice['id']
    if (typeof id !== 'string' || id === '__proto__') return
    // Read as part of the pod, so the parser checks its shape as it checks any peer's data.
    const parsed = parsePodDoc({ ...view, removals: { ...view.removals, [id]: notice } })
    if (!parsed.ok) return
    const removal = ownEntry(parsed.view.removals, id)
    if (removal === undefined) return
    const me = (await options.ring()).keys.publicKeyText
    const state = await keyStateOf(parsed.view, podKey)
    if (state.removedBy.get(me)?.removal.id !== id) return
    meshDebug(`pod ${podKey.slice(0, 6)}: a member's device says this device was removed`)
    await options.pods.change(url, (doc) => {
      const have = ownEntry(doc.removals, id)
      if (have === undefined) recordRemoval(doc, { ...removal, confirmations: {} })
      for (const [deviceId, c] of Object.entries(removal.confirmations))
        recordConfirmation(doc, id, deviceId, c)
    })
  }

  return {
    async acceptRemovalNotice(podKey, notice) {
      try {
        await acceptRemovalNotice(podKey, notice)
      } catch (error) {
        meshDebug(`pod ${podKey.slice(0, 6)}: a removal notice was not recorded: ${String(error)}`)
      }
    },
    async tend(entry) {
      if (busy.has(entry.url)) return
      busy.add(entry.url)
      try {
        await tendOnce(entry)
      } catch (error) {
        meshDebug(
          `pod ${podKeyOf(entry.url).slice(0, 6)}: keys not brought up to date: ${String(error)}`,
        )
      } finally {
        busy.delete(entry.url)
      }
    },
  }
}
