import { useCallback } from 'react'
import type { PodDoc } from '../schema/podDocument.ts'
import { buildSamplePod, mulberry32 } from '../domain/samplePod.ts'
import { grandfatherMembers } from '../schema/migrations.ts'
import { useServices } from './services.ts'

/** The sample's seed: every sample pod tells the same two years (its ids are fresh). */
export const SAMPLE_POD_SEED = 7

const DAY = 86_400_000
/** Two years of weekly circles, and a little over, so the last circle is just behind us. */
const SAMPLE_SPAN_MS = (104 * 7 + 2) * DAY

/**
 * Creates the sample pod ("Riverside organisers": two years of history through the domain
 * commands, a healthy year then a drifting one) as a new pod document ending about now, and
 * adds it to this device's pods. Resolves to its URL. This device is not one of its members:
 * the sample is for looking around.
 */
export function useCreateSamplePod(): () => Promise<string> {
  const services = useServices()
  return useCallback(async () => {
    const { device, pods } = services
    const ctx = services.context()
    // Built on a plain object, then written as the new document's first change: the same
    // record, several times faster than thousands of small edits through Automerge's proxies.
    const sample = {} as PodDoc
    buildSamplePod(sample, {
      start: ctx.now - SAMPLE_SPAN_MS,
      rng: mulberry32(SAMPLE_POD_SEED),
      newId: ctx.newId,
    })
    // A look-around pod no device signs: its members stand as if from before signed membership.
    grandfatherMembers(sample)
    const { url } = await pods.create((doc) => {
      for (const key of Object.keys(sample) as (keyof PodDoc)[]) {
        ;(doc as unknown as Record<string, unknown>)[key] = sample[key]
      }
    })
    await device.putPod({
      url,
      name: sample.pod.name,
      addedAt: ctx.now,
      lastOpenedAt: ctx.now,
      memberId: null,
      secret: services.newSecret(),
      connection: await services.defaultConnection(),
      pendingJoin: null,
      lastSyncByKey: {},
      syncedHeads: null,
    })
    return url
  }, [services])
}
