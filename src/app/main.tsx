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
import { deferredMesh } from '../adapters/network/deferredMesh.ts'
import { deferredPodStore, nextPaint } from '../adapters/automerge/deferredPodStore.ts'
import { deferredNotesStore } from '../adapters/automerge/deferredNotesStore.ts'
import { indexedDbPodViewCache } from '../adapters/automerge/podViewCache.ts'
import { hostConnectionDefaults } from '../adapters/network/iceServers.ts'
import type { ConnectionSettings } from '../adapters/device/deviceStore.ts'
import { createNotesTextReader } from '../adapters/automerge/notesText.ts'
import { saveTextFile } from '../adapters/files/download.ts'
import { ServicesContext, type TendServices } from '../hooks/services.ts'
import { memberForDevice } from '../domain/podQueries.ts'
import { App } from './App.tsx'
import '../ui/styles.css'

/** Shows in plain words that Tend cannot run here, in place of whatever was rendered. */
function cannotStart(error: unknown): void {
  const root = document.getElementById('root')
  if (root !== null) {
    root.textContent = `Tend could not start on this browser: ${error instanceof Error ? error.message : String(error)}. Your data on this device is untouched.`
  }
  console.error(error)
}

/**
 * Starts Tend. The first screen renders as soon as this device's own store is open: the pod
 * list needs nothing else, and a pod shows from its cached view (podViewCache.ts). Automerge's
 * wasm and the repo start once that has painted; the stores the screens hold wait for them
 * (deferredPodStore.ts), and the mesh loads after them.
 */
async function start(): Promise<void> {
  // Automerge's wasm starts once the first screen has painted: compiling it takes the same
  // cores the first paint needs, and nothing on the first screen waits for it.
  let painted = () => {}
  const wasm = new Promise<void>((resolve) => (painted = resolve))
    .then(() => initializeWasm(wasmUrl))
    .then(() => performance.mark('tend:wasm-ready'))
  const device = await openDeviceStore()
  const deviceKeys = await device.keys()
  const shareRules = new ShareRules(deviceKeys.deviceId)
  const { storage, reports: storageReports } = reportingStorage(indexedDbStorage('tend-documents'))
  const live = wasm.then(() => {
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
    return { repo, pods, notes, readNotesText: createNotesTextReader(repo) }
  })
  // The mesh loads once the live stores are (startMesh.ts, its own chunk); until it runs, the
  // screens see no mesh status.
  const mesh = deferredMesh(
    live.then(async ({ repo, pods, notes }) =>
      (await import('./startMesh.ts')).startMesh({
        repo,
        device,
        deviceKeys,
        pods,
        notes,
        shareRules,
      }),
    ),
  )
  const services: TendServices = {
    device,
    deviceKeys,
    pods: deferredPodStore({ live: live.then((l) => l.pods), cache: indexedDbPodViewCache() }),
    notes: deferredNotesStore(live.then((l) => l.notes)),
    mesh,
    defaultConnection: (): Promise<ConnectionSettings> => hostConnectionDefaults(location.origin),
    appBase: `${location.origin}${location.pathname}`,
    updates: registerAppUpdates(),
    persistence: { read: readPersistence, request: requestPersistence },
    storageReports,
    context: () => ({ now: Date.now(), newId: randomId }),
    newSecret: () => toBase64Url(randomBytes(32)),
    readNotesText: async (url) => (await live).readNotesText(url),
    saveTextFile,
  }
  // Flush pending writes when the page is hidden (a phone may kill it without warning).
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void live.then(({ repo }) => repo.flush())
  })
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root')
  const reactRoot = createRoot(root)
  reactRoot.render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>
    </StrictMode>,
  )
  void nextPaint().then(painted)
  live.catch((error: unknown) => {
    reactRoot.unmount()
    cannotStart(error)
  })
}

start().catch(cannotStart)
