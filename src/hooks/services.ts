import { createContext, useContext } from 'react'
import type { StorageReports } from '../adapters/automerge/reportingStorage.ts'
import type { ConnectionSettings, DeviceStore } from '../adapters/device/deviceStore.ts'
import type { MeshService } from '../adapters/network/meshService.ts'
import type { PodStore } from '../adapters/automerge/podStore.ts'
import type { NotesStore } from '../adapters/automerge/notesStore.ts'
import type { AppUpdates } from '../adapters/pwa/appUpdates.ts'
import type { PersistenceState } from '../adapters/pwa/storagePersistence.ts'
import type { DeviceKeys } from '../adapters/crypto/deviceIdentity.ts'
import type { CommandContext } from '../domain/commandContext.ts'

/** Everything the screens may use, chosen and wired by `src/app`. */
export interface TendServices {
  device: DeviceStore
  deviceKeys: DeviceKeys
  pods: PodStore
  /** Each meeting's collaborative notes (their own documents). */
  notes: NotesStore
  updates: AppUpdates
  persistence: { read(): Promise<PersistenceState>; request(): Promise<PersistenceState> }
  /** Whether writes to this device's storage are failing (a full device), as they happen. */
  storageReports: StorageReports
  /** A fresh command context: the current time and an id source. */
  context(): CommandContext
  /** Random bytes for pod secrets, base64url. */
  newSecret(): string
  /** The mesh (peers, signaling) as the leader tab sees it. */
  mesh: MeshService
  /** Connection settings for a new pod: the host that served the app. */
  defaultConnection(): Promise<ConnectionSettings>
  /** Where this app is served from, for invite links. */
  appBase: string
  /** A meeting notes document's text, read-only (search, export); null if not here in time. */
  readNotesText(url: string): Promise<string | null>
  /** Offers a text file (an .ics, a Markdown export) to the browser to save. */
  saveTextFile(filename: string, text: string, mimeType: string): void
}

export const ServicesContext = createContext<TendServices | null>(null)

export function useServices(): TendServices {
  const services = useContext(ServicesContext)
  if (services === null) throw new Error('useServices outside <ServicesContext.Provider>')
  return services
}
