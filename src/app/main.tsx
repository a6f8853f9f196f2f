/**
 * The composition root: the only place that picks concrete adapters (IndexedDB storage, the
 * BroadcastChannel between tabs, the service worker) and hands them to the screens.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { initializeWasm } from '@automerge/automerge/slim'
import wasmUrl from '@automerge/automerge/automerge.wasm?url'
import { BroadcastChannelNetworkAdapter } from '@automerge/automerge-repo-network-broadcastchannel'
import { openDeviceStore } from '../adapters/device/deviceStore.ts'
import { createTendRepo } from '../adapters/automerge/createRepo.ts'
import { ShareRules } from '../adapters/automerge/shareRules.ts'
import { createPodStore } from '../adapters/automerge/podStore.ts'
import { createNotesStore } from '../adapters/automerge/notesStore.ts'
import { reportingStorage } from '../adapters/automerge/reportingStorage.ts'
import { indexedDbStorage } from '../adapters/automerge/indexedDbStorage.ts'
import { registerAppUpdates } from '../adapters/pwa/appUpdates.ts'
import { readPersistence, requestPersistence } from '../adapters/pwa/storagePersistence.ts'
import { randomBytes, randomId, toBase64Url } from '../adapters/crypto/encoding.ts'
import { startMeshService } from '../adapters/network/meshService.ts'
import { createPodAdmission } from '../adapters/network/podAdmission.ts'
import { meshDebug } from '../adapters/network/debugLog.ts'
import { parseRoomKey, secretOfRoom } from '../adapters/network/lobbies.ts'
import { createPodKeeper } from '../adapters/network/podKeeper.ts'
import {
  closeStalledConnections,
  refreshSignaling,
  renewNetworkView,
  signalingReachable,
  takeLostSubscriptions,
  trysteroRoomOpener,
} from '../adapters/network/trysteroRoom.ts'
import type { ConnectionSettings } from '../adapters/device/deviceStore.ts'
import {
  createIceSource,
  hostConnectionDefaults,
  localGrantStore,
} from '../adapters/network/iceServers.ts'
import { probeRelay } from '../adapters/network/relayProbe.ts'
import { createNotesTextReader } from '../adapters/automerge/notesText.ts'
import { saveTextFile } from '../adapters/files/download.ts'
import { ServicesContext, type TendServices } from '../hooks/services.ts'
import { memberForDevice } from '../domain/podQueries.ts'
import { App } from './App.tsx'
import '../ui/styles.css'

async function start(): Promise<void> {
  await initializeWasm(wasmUrl)
  const device = await openDeviceStore()
  const deviceKeys = await device.keys()
  const shareRules = new ShareRules(deviceKeys.deviceId)
  const { storage, reports: storageReports } = reportingStorage(indexedDbStorage('tend-documents'))
  const repo = createTendRepo({
    deviceId: deviceKeys.deviceId,
    storage,
    network: [new BroadcastChannelNetworkAdapter({ channelName: 'tend-tabs' })],
    shareRules,
  })
  shareRules.onChange(() => repo.shareConfigChanged())
  const pods = createPodStore(repo, shareRules, deviceKeys.publicKeyText)
  // Each notes edit records the member this device is listed under in the pod.
  const notes = createNotesStore(repo, shareRules, (podUrl) => {
    const view = pods.peek(podUrl)
    return view === null ? null : (memberForDevice(view, deviceKeys.publicKeyText)?.id ?? null)
  })
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
  const mesh = startMeshService({
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
  const services: TendServices = {
    device,
    deviceKeys,
    pods,
    notes,
    mesh,
    defaultConnection: (): Promise<ConnectionSettings> => hostConnectionDefaults(location.origin),
    appBase: `${location.origin}${location.pathname}`,
    updates: registerAppUpdates(),
    persistence: { read: readPersistence, request: requestPersistence },
    storageReports,
    context: () => ({ now: Date.now(), newId: randomId }),
    newSecret: () => toBase64Url(randomBytes(32)),
    readNotesText: createNotesTextReader(repo),
    saveTextFile,
  }
  // Flush pending writes when the page is hidden (a phone may kill it without warning).
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void repo.flush()
  })
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root')
  createRoot(root).render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>
    </StrictMode>,
  )
}

start().catch((error: unknown) => {
  const root = document.getElementById('root')
  if (root !== null) {
    root.textContent = `Tend could not start on this browser: ${error instanceof Error ? error.message : String(error)}. Your data on this device is untouched.`
  }
  console.error(error)
})
