import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'

describe('npm run sample-pod', () => {
  it('writes a pod file that Tend reads: two years of meetings, members who joined and left', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tend-sample-')), 'sample.automerge')
    execFileSync('npx', ['tsx', 'src/signal/samplePodFile.ts', file], {
      stdio: 'pipe',
      timeout: 60_000,
    })
    const parsed = parsePodDoc(A.toJS(A.load(new Uint8Array(readFileSync(file)))))
    if (!parsed.ok) throw new Error(parsed.problems.join('; '))
    expect(parsed.problems).toEqual([])
    const members = Object.values(parsed.view.members)
    expect(members.length).toBeGreaterThanOrEqual(10)
    expect(members.some((m) => m.status === 'left')).toBe(true)
    const held = Object.values(parsed.view.meetings).filter((m) => m.status === 'held')
    expect(held.length).toBeGreaterThan(80)
    const span =
      Math.max(...held.map((m) => m.scheduledFor)) - Math.min(...held.map((m) => m.scheduledFor))
    expect(span).toBeGreaterThan(1.9 * 365 * 86_400_000)
  })
})
