import { useEffect, useState } from 'react'
import type { DeviceProfile, PodEntry } from '../adapters/device/deviceStore.ts'
import { useServices } from './services.ts'

/** The person's profile on this device; `undefined` while loading, `null` before the first run. */
export function useProfile(): DeviceProfile | null | undefined {
  const { device } = useServices()
  const [profile, setProfile] = useState<DeviceProfile | null | undefined>(undefined)
  useEffect(() => {
    let live = true
    const load = () => void device.getProfile().then((p) => live && setProfile(p))
    load()
    const unsubscribe = device.subscribe(load)
    return () => {
      live = false
      unsubscribe()
    }
  }, [device])
  return profile
}

/** This device's pods, refreshed when any tab adds or changes one; `null` while loading. */
export function usePodList(): PodEntry[] | null {
  const { device } = useServices()
  const [pods, setPods] = useState<PodEntry[] | null>(null)
  useEffect(() => {
    let live = true
    const load = () => void device.listPods().then((list) => live && setPods(list))
    load()
    const unsubscribe = device.subscribe(load)
    return () => {
      live = false
      unsubscribe()
    }
  }, [device])
  return pods
}

/** One pod's device entry (secret, member id, connection settings). */
export function usePodEntry(url: string): PodEntry | null | undefined {
  const { device } = useServices()
  const [entry, setEntry] = useState<PodEntry | null | undefined>(undefined)
  useEffect(() => {
    let live = true
    const load = () => void device.getPod(url).then((e) => live && setEntry(e))
    load()
    const unsubscribe = device.subscribe(load)
    return () => {
      live = false
      unsubscribe()
    }
  }, [device, url])
  return entry
}
