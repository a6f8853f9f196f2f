import { useCallback, useEffect, useMemo, useState } from 'react'
import type { PodState } from '../adapters/automerge/podStore.ts'
import type { PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from '../domain/commandContext.ts'
import { useServices } from './services.ts'
import { usePodEntry } from './useDeviceData.ts'
import { changePod, noteEntry, podScreenState, type PodScreenState } from './podAccess.ts'

/**
 * Follows one pod as a parsed view. Opens from this device's storage; never waits for peers.
 * `readOnly` (and why) is decided here for every screen of the pod (see podAccess.ts).
 */
export function usePod(url: string): PodScreenState {
  const { pods, device } = useServices()
  const [state, setState] = useState<PodState>({ status: 'loading' })
  useEffect(() => pods.watch(url, setState), [pods, url])
  const entry = usePodEntry(url)
  useEffect(() => noteEntry(url, entry), [url, entry])
  // Keep the pod list's cached name in step with the document (the live one, never a copy).
  const name = state.status === 'ready' && state.opening !== true ? state.view.pod.name : null
  useEffect(() => {
    if (name === null) return
    void device.getPod(url).then((entry) => {
      if (entry !== null && entry.name !== name) void device.updatePod(url, { name })
    })
  }, [device, url, name])
  return useMemo(() => podScreenState(state, entry), [state, entry])
}

/**
 * Runs a domain command on a pod with a fresh context (time, ids). Resolves to the command's
 * result; rejects with the command's error, leaving the pod unchanged — or with a plain refusal
 * on a device removed from the pod.
 */
export function usePodCommand(
  url: string,
): <T>(command: (doc: PodDoc, ctx: CommandContext) => T) => Promise<T> {
  const services = useServices()
  return useCallback(
    (command) => {
      const ctx = services.context()
      return changePod(services, url, (doc) => command(doc, ctx))
    },
    [services, url],
  )
}
