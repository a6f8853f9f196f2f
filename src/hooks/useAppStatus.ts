import { useCallback, useEffect, useState } from 'react'
import type { PersistenceState } from '../adapters/pwa/storagePersistence.ts'
import type { StorageProblem } from '../adapters/automerge/reportingStorage.ts'
import { useServices } from './services.ts'

/** Whether a new version of Tend is waiting, and a way to switch to it without losing work. */
export function useAppUpdate(): { ready: boolean; apply: () => Promise<void> } {
  const { updates, pods } = useServices()
  const [ready, setReady] = useState(false)
  useEffect(() => updates.onUpdateReady(() => setReady(true)), [updates])
  const apply = useCallback(() => updates.applyUpdate(() => pods.flush()), [updates, pods])
  return { ready, apply }
}

/** Whether the browser keeps Tend's storage; re-read when `trigger` changes. */
export function usePersistence(trigger: unknown): PersistenceState | null {
  const { persistence } = useServices()
  const [state, setState] = useState<PersistenceState | null>(null)
  useEffect(() => {
    let live = true
    void persistence.read().then((s) => live && setState(s))
    return () => {
      live = false
    }
  }, [persistence, trigger])
  return state
}

/** The browser's idea of whether it is online (for the banner; Tend works either way). */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine)
  useEffect(() => {
    const on = () => setOnline(true)
    const off = () => setOnline(false)
    window.addEventListener('online', on)
    window.addEventListener('offline', off)
    return () => {
      window.removeEventListener('online', on)
      window.removeEventListener('offline', off)
    }
  }, [])
  return online
}

/** What went wrong with the last write to this device's storage, or null while writes work. */
export function useStorageProblem(): StorageProblem | null {
  const { storageReports } = useServices()
  const [problem, setProblem] = useState(() => storageReports.current())
  useEffect(() => storageReports.subscribe(setProblem), [storageReports])
  return problem
}
