/**
 * Runs the schema migrations on an Automerge pod document.
 *
 * Most of a migration is ordinary edits (`Migration.up`), written by this device. The maps a
 * migration adds (`Migration.newMaps`) cannot be: if two members' devices each created
 * `formats` offline, the merge would keep one of the two maps and hide what was put in the
 * other. So each migration's maps are created in a change that every device writes byte for
 * byte the same — the same actor (named after the migration), no dependencies, time zero. Two
 * devices that run it produce one change with one hash, and their maps are one map.
 */
import { next as Automerge } from '@automerge/automerge/slim'
import type { PodDoc } from '../../schema/podDocument.ts'
import {
  MIGRATIONS,
  migratePodDoc,
  pendingMigrations,
  type Migration,
} from '../../schema/migrations.ts'

const encoder = new TextEncoder()

/** The actor id that writes a migration's maps: hex of the migration's name. */
export function migrationActor(name: string): string {
  return Array.from(encoder.encode(`tend:${name}`), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The one change that creates `migration`'s new maps, the same on every device. */
export function newMapsChange(migration: Migration): Uint8Array | null {
  const keys = migration.newMaps ?? []
  if (keys.length === 0) return null
  const empty = Automerge.init<Record<string, unknown>>({ actor: migrationActor(migration.name) })
  const created = Automerge.change(empty, { time: 0, message: migration.name }, (d) => {
    for (const key of keys) d[key] = {}
  })
  return Automerge.getLastLocalChange(created) ?? null
}

function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Brings `doc` to the current schema: first the shared map-creating changes, then each pending
 * migration's edits as one change by this device. Returns `doc` itself when nothing is pending.
 */
export function migratePodDocument(
  doc: Automerge.Doc<PodDoc>,
  registry: readonly Migration[] = MIGRATIONS,
): Automerge.Doc<PodDoc> {
  const raw = doc as unknown as Partial<PodDoc>
  const pending = pendingMigrations(
    { migrations: isMap(raw.migrations) ? doc.migrations : {} },
    registry,
  )
  if (pending.length === 0) return doc
  let next = doc
  for (const migration of pending) {
    const change = newMapsChange(migration)
    const current = next as unknown as Record<string, unknown>
    if (change !== null && (migration.newMaps ?? []).some((key) => !isMap(current[key]))) {
      ;[next] = Automerge.applyChanges(next, [change])
    }
  }
  return Automerge.change(next, { message: 'Tend schema migration' }, (d) => {
    // Documents from before the registry may lack the map; create it only where absent.
    if (!isMap(d.migrations)) d.migrations = {}
    migratePodDoc(d, registry)
  })
}
