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
import {
  migratePodDocument,
  newMapsChange,
} from '../../../src/adapters/automerge/migrateDocument.ts'
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
    const doc = migratePodDocument(loadFixture(fixture))
    expect(pendingMigrations(doc)).toEqual([])
    const parsed = parsePodDoc(doc)
    expect(parsed.ok && parsed.problems).toEqual([])
    expect(parsed.ok && parsed.readOnly).toBe(false)
    expect(parsed.ok && parsed.view.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
  })

  it('keeps every entity through the migrations', () => {
    const before = loadFixture(fixture)
    const after = migratePodDocument(before)
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
    const left = migratePodDocument(A.clone(base))
    const right = migratePodDocument(A.clone(base))
    const merged = A.merge(A.clone(left), right)
    expect(A.toJS(merged)).toEqual(A.toJS(left))
    expect(A.toJS(merged)).toEqual(A.toJS(right))
  })

  it('keeps what each peer put in a map both created while migrating offline', () => {
    const base = loadFixture(fixture)
    const addFormat = (doc: A.Doc<PodDoc>, id: string, name: string) =>
      A.change(migratePodDocument(A.clone(base)), (d) => {
        d.formats[id] = {
          id,
          name,
          summary: '',
          basedOn: 'troika',
          steps: {},
          createdAt: 1,
          updatedAt: 1,
          retiredAt: null,
        }
      })
    const left = addFormat(base, 'f-left', 'Troika, shorter')
    const right = addFormat(base, 'f-right', 'Troika, with a silence')
    const merged = A.merge(A.clone(left), right)
    const before = Object.keys((base as Partial<PodDoc>).formats ?? {})
    expect(Object.keys(merged.formats).sort()).toEqual([...before, 'f-left', 'f-right'].sort())
    expect(A.getConflicts(merged, 'formats')).toBeUndefined()
  })

  it('keeps both peers’ corrections when each migrates offline and corrects', () => {
    const base = loadFixture(fixture)
    const correct = (id: string, after: string) =>
      A.change(migratePodDocument(A.clone(base)), (d) => {
        d.corrections[id] = {
          id,
          target: 'pod',
          meetingId: null,
          itemId: null,
          field: 'purpose',
          before: null,
          after,
          by: Object.keys(d.members)[0] ?? 'someone',
          at: 1,
        }
      })
    const merged = A.merge(A.clone(correct('c-left', 'Left')), correct('c-right', 'Right'))
    const before = Object.keys((base as Partial<PodDoc>).corrections ?? {})
    expect(Object.keys(merged.corrections).sort()).toEqual([...before, 'c-left', 'c-right'].sort())
    expect(A.getConflicts(merged, 'corrections')).toBeUndefined()
  })
})

describe('pod/4-corrections', () => {
  it('reads a pod from before it with no corrections and every item standing', () => {
    const parsed = parsePodDoc(migratePodDocument(loadFixture('pod-v3.automerge')))
    if (!parsed.ok) throw new Error('the v3 fixture did not parse')
    expect(Object.keys(parsed.view.corrections)).toEqual([])
    const items = Object.values(parsed.view.meetings).flatMap((m) => [
      ...Object.values(m.insights),
      ...Object.values(m.checkIns),
      ...Object.values(m.actions),
    ])
    expect(items.length).toBeGreaterThan(0)
    for (const item of items) expect([item.withdrawnAt, item.withdrawnBy]).toEqual([null, null])
  })

  it('keeps the v4 fixture’s corrections and its withdrawn action', () => {
    const parsed = parsePodDoc(loadFixture('pod-v4.automerge'))
    if (!parsed.ok) throw new Error('the v4 fixture did not parse')
    const fields = Object.values(parsed.view.corrections).map((c) => `${c.target} ${c.field}`)
    expect(fields.sort()).toEqual(['action withdrawn', 'attendance mark', 'insight text'])
    const withdrawn = Object.values(parsed.view.meetings)
      .flatMap((m) => Object.values(m.actions))
      .filter((a) => a.withdrawnAt !== null)
    expect(withdrawn).toHaveLength(1)
  })
})

describe('pod/6-key-epochs', () => {
  it('reads a pod from before it with no removals or key epochs, and devices without sealing keys', () => {
    const parsed = parsePodDoc(migratePodDocument(loadFixture('pod-v5.automerge')))
    if (!parsed.ok) throw new Error('the v5 fixture did not parse')
    expect([parsed.view.removals, parsed.view.keyEpochs, parsed.view.keyGrants]).toEqual([
      {},
      {},
      {},
    ])
    const devices = Object.values(parsed.view.members).flatMap((m) => Object.values(m.devices))
    expect(devices.length).toBeGreaterThan(0)
    for (const d of devices) expect([d.sealingKey, d.sealingKeySignature]).toEqual([null, null])
  })

  it('keeps the v6 fixture’s removal, its confirmation, the key epoch and the grant', () => {
    const parsed = parsePodDoc(loadFixture('pod-v6.automerge'))
    if (!parsed.ok) throw new Error('the v6 fixture did not parse')
    expect(parsed.problems).toEqual([])
    const removal = parsed.view.removals['fx-removal']
    expect(removal?.memberId).toBe('fx8')
    expect(Object.keys(removal?.confirmations ?? {})).toEqual(['dev-b'])
    expect(parsed.view.keyEpochs['fx-epoch-1']?.epoch).toBe(1)
    expect(Object.keys(parsed.view.keyEpochs['fx-epoch-1']?.boxes ?? {})).toHaveLength(2)
    expect(Object.values(parsed.view.keyGrants)).toHaveLength(1)
  })
})

describe('maps a migration adds', () => {
  it('are created by one change, the same bytes on every device', () => {
    const formats = MIGRATIONS.find((m) => m.newMaps?.includes('formats'))
    expect(formats).toBeDefined()
    const once = newMapsChange(formats as Migration)
    const again = newMapsChange(formats as Migration)
    expect(once).not.toBeNull()
    expect(again).toEqual(once)
  })

  it('are refused when a migration would run before its map exists', () => {
    const next: Migration = { name: 'pod/9-x', to: 9, newMaps: ['formats'], up: () => {} }
    const doc = A.from({ migrations: {} } as Record<string, unknown>) as unknown as A.Doc<PodDoc>
    expect(() => A.change(doc, (d) => void migratePodDoc(d, [next]))).toThrow(/formats/)
  })
})

describe('migratePodDoc', () => {
  // A stand-in for the next migration, to show how each new one is tested.
  const next: Migration = {
    name: 'pod/8-example',
    to: 8,
    up: (doc) => {
      if (doc.schemaVersion < 8) doc.schemaVersion = 8
    },
  }

  it('runs only the migrations a document has not run, and records them', () => {
    const current = migratePodDocument(loadFixture('pod-v1.automerge'))
    const doc = A.change(current, (d) => {
      expect(migratePodDoc(d, [...MIGRATIONS, next])).toEqual(['pod/8-example'])
    })
    expect(doc.schemaVersion).toBe(8)
    expect(doc.migrations).toEqual({
      'pod/1-initial': 1,
      'pod/2-formats': 2,
      'pod/3-invites': 3,
      'pod/4-corrections': 4,
      'pod/5-invite-uses': 5,
      'pod/6-key-epochs': 6,
      'pod/7-signed-members': 7,
      'pod/8-example': 8,
    })
    const again = A.change(doc, (d) => {
      expect(migratePodDoc(d, [...MIGRATIONS, next])).toEqual([])
    })
    expect(again.migrations).toEqual(doc.migrations)
  })
})
