/**
 * `npm run bench`, coming back after a cut: reads the figures the come-back tests kept
 * (tests/lan and tests/homes, run by the bench with more cuts than the suite makes) and prints,
 * per who and path, the median and the slowest time from the link returning to the sync, each
 * beside its target, met or not. Keeps them as JSON beside the other figures.
 *
 *   tsx tests/bench/comeBackFigures.ts FIGURES.jsonl
 */
import { readFileSync } from 'node:fs'
import { boundFigure, saveFigures, targetTable, type Figure } from './targets.ts'

/** "Within a few seconds of the network returning" (issue 10): the median, and the slowest. */
const MEDIAN_WITHIN_S = 3
const SLOWEST_WITHIN_S = 10

const file = process.argv[2]
if (file === undefined) throw new Error('usage: comeBackFigures.ts FIGURES.jsonl')
const kept = new Map<string, number[]>()
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.trim() === '') continue
  const { what, ms } = JSON.parse(line) as { what: string; ms: number[] }
  kept.set(what, [...(kept.get(what) ?? []), ...ms])
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const figures: Figure[] = []
const rows: string[] = ['| who, path | cuts | each (s) |', '|---|---:|---|']
for (const [what, ms] of kept) {
  const s = ms.map((x) => x / 1000)
  rows.push(`| ${what} | ${s.length} | ${s.map((x) => x.toFixed(1)).join(', ')} |`)
  figures.push(boundFigure(`${what}: median`, median(s), 's', MEDIAN_WITHIN_S))
  figures.push(boundFigure(`${what}: slowest`, Math.max(...s), 's', SLOWEST_WITHIN_S))
}
if (figures.length === 0) throw new Error(`no come-back figures in ${file}`)
console.log('\n## Coming back after a cut (link back → synced)\n')
console.log(rows.join('\n'))
console.log('')
console.log(targetTable(figures).join('\n'))
saveFigures('build/bench/comeBack.json', figures)
