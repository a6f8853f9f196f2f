/**
 * The mesh's half of the composition root: Trystero's rooms over MQTT, admission, relay
 * credentials and the key keeper. main.tsx loads this module with `import()` after the first
 * paint, so none of it (about a third of Tend's JavaScript) delays the first screen.
 */
import type { Repo } from '@automerge/automerge-repo'
import type { DeviceStore } from '../adapters/device/deviceStore.ts'
import type { DeviceKeys } from '../adapters/crypto/deviceIdentity.ts'
import type { PodStore } from '../adapters/automerge/podStore.ts'
import type { NotesStore } from '../adapters/automerge/notesStore.ts'
import type { ShareRules } from '../adapters/automerge/shareRules.ts'
import { randomId } from '../adapters/crypto/encoding.ts'
import { startMeshService, type MeshService } from '../adapters/network/meshService.ts'
import { createPodAdmission } from '../adapters/network/podAdmission.ts'
import { meshDebug } from '../adapters/network/debugLog.ts'
import { parseRoomKey, secretOfRoom } from '../adapters/network/lobbies.ts'
import { createPodKeeper } from '../adapters/network/podKeeper.ts'
import {
  closeStalledConnections,
  refreshSignaling,
  takeLostSubscriptions,
  renewNetworkView,
  signalingReachable,
  trysteroRoomOpener,
} from '../adapters/network/trysteroRoom.ts'
import { createIceSource, localGrantStore } from '../adapters/network/iceServers.ts'
import { probeRelay } from '../adapters/network/relayProbe.ts'

export interface MeshParts {
  repo: Repo
  device: DeviceStore
  deviceKeys: DeviceKeys
  pods: PodStore
  notes: NotesStore
  shareRules: ShareRules
}

/** Starts this tab's part of the mesh (the leader's rooms, or following the leader). */
export async function startMesh(parts: MeshParts): Promise<MeshService> {
  const { repo, device, deviceKeys, pods, notes, shareRules } = parts
  // A pod's rooms open on its current secret and, as lobbies, on its former ones (lobbies.ts).
  const linkOf = async (roomKey: string) => {
    const { podKey } = parseRoomKey(roomKey)
    const entry = await device.getPod(`automerge:${podKey}`)
    if (entry === null || entry.connection === null) return null
    const secrets = [entry.secret, ...(entry.formerSecrets ?? []).map((f) => f.secret)]
    const secret = secretOfRoom(roomKey, secrets)
    return secret === null ? null : { secret, connection: entry.connection }
  }
  const ice = createIceSource(
    undefined,
    undefined,
    (servers) => probeRelay(servers),
    localGrantStore(),
  )
  const keeper = createPodKeeper({
    device,
    pods,
    ring: async () => ({ keys: deviceKeys, sealing: await device.sealingKeys() }),
    now: () => Date.now(),
    newId: randomId,
  })
  return startMeshService({
    repo,
    device,
    pods,
    notes,
    shareRules,
    openRoom: trysteroRoomOpener(linkOf, (link) => ice.serversFor(link.connection)),
    renewAt: (connection) => ice.renewAt(connection),
    onUnreachable: (connection) => ice.forget(connection),
    admission: createPodAdmission({
      keys: deviceKeys,
      entryOf: (podKey) => device.getPod(`automerge:${podKey}`),
      viewOf: (podKey) => pods.peek(`automerge:${podKey}`),
      now: () => Date.now(),
      onRemovalNotice: (podKey, notice) => void keeper.acceptRemovalNotice(podKey, notice),
    }),
    signalingReachable,
    keeper,
    refreshSignaling: (reason) => void refreshSignaling(reason),
    lostSubscriptions: takeLostSubscriptions,
    freshAttempts: async (startedOffline) => {
      const view = await renewNetworkView({ startedOffline })
      meshDebug(`network view ${view}`)
      // Attempts made with a view that saw no network can never work; others may still.
      if (view === 'renewed') closeStalledConnections({ stalled: true, unanswered: true })
      return view === 'renewed'
    },
  })
}
