import type { PodDoc } from '../schema/podDocument.ts'
import type { PodState } from '../adapters/automerge/podStore.ts'
import type { PodEntry } from '../adapters/device/deviceStore.ts'
import type { TendServices } from './services.ts'

/**
 * Why this device shows a pod read-only: the pod was saved by a newer version of Tend, or this
 * device (or its member) was removed from it — its copy stays readable, but whatever it changed
 * would reach no one.
 */
export type ReadOnlyReason = 'newer-version' | 'removed'

/** A pod as its screens get it: `readOnly` covers every reason, named in `readOnlyReason`. */
export type PodScreenState =
  | Exclude<PodState, { status: 'ready' }>
  | (Extract<PodState, { status: 'ready' }> & { readOnlyReason: ReadOnlyReason | null })

/** What a command on a removed device is refused with. */
export const REMOVED_REFUSAL =
  'This device was removed from this pod: its copy stays readable here, but it can no longer change it.'

/** Whether this device's record of a pod says it was removed from it (its copy is read-only). */
export function removedFrom(entry: PodEntry | null | undefined): boolean {
  return entry?.removed != null
}

/**
 * The one place that decides whether this device may change a pod, for the screens
 * (`podScreenState`) and for the commands (`refuseIfReadOnly`) alike.
 */
export function readOnlyReasonOf(
  state: Extract<PodState, { status: 'ready' }>,
  entry: PodEntry | null,
): ReadOnlyReason | null {
  if (state.readOnly) return 'newer-version'
  if (removedFrom(entry)) return 'removed'
  return null
}

/**
 * The state a pod's screens see, once this device's record of the pod is read (`undefined`
 * while it is): still loading until then, so no screen offers an edit it would then take back.
 */
export function podScreenState(
  state: PodState,
  entry: PodEntry | null | undefined,
): PodScreenState {
  if (state.status !== 'ready') return state
  if (entry === undefined) return { status: 'loading' }
  const readOnlyReason = readOnlyReasonOf(state, entry)
  return { ...state, readOnly: readOnlyReason !== null, readOnlyReason }
}

/**
 * Whether each pod's record said this device was removed, as its screens last read it (see
 * `noteEntry`): a command then decides at once, without reading storage first. A read before
 * the change kept a chosen radio button unchosen for a moment (the screen redrew from the pod
 * before the change was made), so a person's tap seemed not to take.
 */
const removedAsShown = new Map<string, boolean>()

/** Records what a pod's screens read of this device's record of the pod. */
export function noteEntry(url: string, entry: PodEntry | null | undefined): void {
  if (entry !== undefined) removedAsShown.set(url, removedFrom(entry))
}

/**
 * Rejects with a plain message when this device may not change the pod (see `readOnlyReasonOf`);
 * every command of the hooks layer goes through it before writing. Decides from the record as
 * the pod's screens last read it, else reads it.
 */
export async function refuseIfReadOnly(services: TendServices, url: string): Promise<void> {
  const shown = removedAsShown.get(url)
  const removed = shown ?? removedFrom(await services.device.getPod(url))
  if (removed) throw new Error(REMOVED_REFUSAL)
}

/** `pods.change` for the hooks: refused on a device removed from the pod (`refuseIfReadOnly`). */
export async function changePod<T>(
  services: TendServices,
  url: string,
  command: (doc: PodDoc) => T,
): Promise<T> {
  await refuseIfReadOnly(services, url)
  return services.pods.change(url, command)
}
