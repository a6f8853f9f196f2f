/**
 * `npm run sample-pod -- [file]`: writes the sample pod ("Riverside organisers", two years of
 * history built through the domain commands, a healthy year then a drifting one) to an
 * `.automerge` file, which Tend opens with "Open a pod from a file". The same history as the
 * app's "Explore a sample pod" button, for screenshots, demos and benchmarks.
 */
import { writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import * as A from '@automerge/automerge'
import type { PodDoc } from '../schema/podDocument.ts'
import { buildSamplePod, mulberry32 } from '../domain/samplePod.ts'
import { grandfatherMembers } from '../schema/migrations.ts'

const DAY = 86_400_000
const file = process.argv[2] ?? 'sample-pod.automerge'
const seed = Number(process.env['TEND_SAMPLE_SEED'] ?? 7)
const sample = {} as PodDoc
buildSamplePod(sample, {
  start: Date.now() - (104 * 7 + 2) * DAY,
  rng: mulberry32(seed),
  newId: () => randomUUID().replaceAll('-', '').slice(0, 16),
})
// A look-around pod no device signs: its members stand as if from before signed membership.
grandfatherMembers(sample)
const doc = A.change(A.init<PodDoc>(), (d) => {
  for (const key of Object.keys(sample) as (keyof PodDoc)[]) {
    ;(d as unknown as Record<string, unknown>)[key] = sample[key]
  }
})
const bytes = A.save(doc)
writeFileSync(file, bytes)
console.log(
  `Wrote ${file} (${Object.keys(sample.members).length} members, ${Object.keys(sample.meetings).length} meetings, ${bytes.length} bytes). Open it in Tend with "Open a pod from a file".`,
)
