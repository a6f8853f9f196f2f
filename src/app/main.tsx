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
import { hostConnectionDefaults } from '../adapters/network/iceServers.ts'
import type { ConnectionSettings } from '../adapters/device/deviceStore.ts'
import { createNotesTextReader } from '../adapters/automerge/notesText.ts'
import { saveTextFile } from '../adapters/files/download.ts'
import { ServicesContext, type TendServices } from '../hooks/services.ts'
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
  const notes = createNotesStore(repo, shareRules)
  // The mesh loads once the first screen is rendering (startMesh.ts, its own chunk); until it
  // runs, the screens see no mesh status. setTimeout, not requestAnimationFrame: a tab opened
  // in the background must start its mesh too.
  const mesh = deferredMesh(
    new Promise((resolve) => setTimeout(resolve, 0))
      .then(() => import('./startMesh.ts'))
      .then((m) => m.startMesh({ repo, device, deviceKeys, pods, notes, shareRules })),
  )
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
