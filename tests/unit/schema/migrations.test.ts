import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import {
  MIGRATIONS,
  migratePodDoc,
  pendingMigrations,
  type Migration,
} from '../../../src/schema/migrations.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { CURRENT_SCHEMA_VERSION } from '../../../src/schema/version.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'

const FIXTURES = new URL('../../fixtures/', import.meta.url)
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.automerge'))

function loadFixture(name: string): A.Doc<PodDoc> {
  return A.load<PodDoc>(new Uint8Array(readFileSync(new URL(name, FIXTURES))))
}

describe('the migration registry', () => {
  it('has unique names of the form pod/<version>-<what>, in version order', () => {
    const names = MIGRATIONS.map((m) => m.name)
    expect(new Set(names).size).toBe(names.length)
    for (const m of MIGRATIONS) expect(m.name).toMatch(new RegExp(`^pod/${m.to}-[a-z0-9-]+$`))
    const versions = MIGRATIONS.map((m) => m.to)
    expect([...versions].sort((a, b) => a - b)).toEqual(versions)
    expect(versions.at(-1)).toBe(CURRENT_SCHEMA_VERSION)
  })

  it('has a frozen fixture for every shipped schema version', () => {
    for (let v = 1; v <= CURRENT_SCHEMA_VERSION; v++)
      expect(fixtures).toContain(`pod-v${v}.automerge`)
  })
})

describe.each(fixtures)('fixture %s', (fixture) => {
  it('migrates to the current version and parses with no problems', () => {
    const doc = A.change(loadFixture(fixture), (d) => void migratePodDoc(d))
    expect(pendingMigrations(doc)).toEqual([])
    const parsed = parsePodDoc(doc)
    expect(parsed.ok && parsed.problems).toEqual([])
    expect(parsed.ok && parsed.readOnly).toBe(false)
    expect(parsed.ok && parsed.view.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
  })

  it('keeps every entity through the migrations', () => {
    const before = loadFixture(fixture)
    const after = A.change(before, (d) => void migratePodDoc(d))
    for (const key of [
      'members',
      'containers',
      'norms',
      'roles',
      'roleSwaps',
      'pairings',
      'meetings',
    ] as const) {
      expect(Object.keys(after[key]).sort()).toEqual(Object.keys(before[key]).sort())
    }
  })

  it('ends identical when two peers run the migrations at once and merge', () => {
    const base = loadFixture(fixture)
    const left = A.change(A.clone(base), (d) => void migratePodDoc(d))
    const right = A.change(A.clone(base), (d) => void migratePodDoc(d))
    const merged = A.merge(A.clone(left), right)
    expect(A.toJS(merged)).toEqual(A.toJS(left))
    expect(A.toJS(merged)).toEqual(A.toJS(right))
  })
})

describe('migratePodDoc', () => {
  // A stand-in for the next migration, to show how each new one is tested.
  const next: Migration = {
    name: 'pod/2-example',
    to: 2,
    up: (doc) => {
      if (doc.schemaVersion < 2) doc.schemaVersion = 2
    },
  }

  it('runs only the migrations a document has not run, and records them', () => {
    const doc = A.change(loadFixture('pod-v1.automerge'), (d) => {
      expect(migratePodDoc(d, [...MIGRATIONS, next])).toEqual(['pod/2-example'])
    })
    expect(doc.schemaVersion).toBe(2)
    expect(doc.migrations).toEqual({ 'pod/1-initial': 1, 'pod/2-example': 2 })
    const again = A.change(doc, (d) => {
      expect(migratePodDoc(d, [...MIGRATIONS, next])).toEqual([])
    })
    expect(again.migrations).toEqual(doc.migrations)
  })
})
