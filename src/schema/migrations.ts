import type { Member, PodDoc } from './podDocument.ts'

/**
 * What a member was when the pod reached schema 7 (`Member.legacy`): their fields and the keys
 * of the devices listed under them then. Deterministic, so two devices migrating at once write
 * the same text for the same record.
 */
export function legacyRecord(
  member: Pick<Member, 'name' | 'stage' | 'joinedAt' | 'status' | 'awayUntil' | 'devices'>,
): string {
  const keys = Object.values(member.devices)
    .map((d) => d.publicKey)
    .sort()
  return JSON.stringify([
    'tend-legacy-member',
    1,
    member.name,
    member.stage,
    member.joinedAt,
    member.status,
    member.awayUntil,
    keys,
  ])
}

/** Marks every member not marked yet as one who was there before signed membership. */
export function grandfatherMembers(doc: Pick<PodDoc, 'members'>): void {
  for (const member of Object.values(doc.members)) {
    const legacy = (member as { legacy?: string | null }).legacy
    if (legacy === undefined || legacy === null) member.legacy = legacyRecord(member)
  }
}

/**
 * A named, append-only step that brings a pod document up to `to`.
 *
 * Rules every migration keeps (conventions.md, "Versioned on purpose"):
 * - deterministic and idempotent: two peers may run it at once, offline, and their merged
 *   documents must be identical — so it only sets scalars to fixed values or adds keys that
 *   are absent, and never assigns a fresh object over a map another peer may also create;
 * - additive while older versions of Tend are still in use;
 * - its name is recorded as a key of `doc.migrations` (a map, so two peers recording the same
 *   migration at once merge to one entry).
 */
export interface Migration {
  name: string
  to: number
  /**
   * Top-level maps this migration adds. A migration cannot create them in `up`: two peers
   * creating the same map offline make two maps, and whatever one of them put in its map is
   * hidden when they merge. The storage adapter creates each in a change that every peer
   * writes byte for byte the same (`deterministicMapsChange`), so the maps merge into one.
   */
  newMaps?: readonly (keyof PodDoc)[]
  up: (doc: PodDoc) => void
}

/**
 * The registry, oldest first. Schema 1 is the first shipped shape: `pod/1-initial` only marks
 * it. Later capabilities append here (for example `pod/2-...`), each with a test against the
 * frozen fixtures in `tests/fixtures/`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'pod/1-initial',
    to: 1,
    up: (doc) => {
      if (doc.schemaVersion < 1) doc.schemaVersion = 1
    },
  },
  {
    // A pod keeps its own edited copies of circle formats; meetings record the format they
    // run (`Meeting.formatId`, null when absent, so existing meetings need no change).
    name: 'pod/2-formats',
    to: 2,
    newMaps: ['formats'],
    up: (doc) => {
      if (doc.schemaVersion < 2) doc.schemaVersion = 2
    },
  },
  {
    // Invites are recorded in the pod, signed by the inviting device, so every member's device
    // checks what a link claims (its expiry) against the pod rather than the link.
    name: 'pod/3-invites',
    to: 3,
    newMaps: ['invites'],
    up: (doc) => {
      if (doc.schemaVersion < 3) doc.schemaVersion = 3
    },
  },
  {
    // A correction of an insight, check-in, action, attendance mark or the pod's facts is
    // recorded (who, when, what it was before) in a map of its own. Items gain
    // `withdrawnAt`/`withdrawnBy`, read as null when absent, so existing items need no change.
    name: 'pod/4-corrections',
    to: 4,
    newMaps: ['corrections'],
    up: (doc) => {
      if (doc.schemaVersion < 4) doc.schemaVersion = 4
    },
  },
  {
    // An invite admits a set number of people (one by default): who joined with it is recorded
    // in a map of its own, so every member's device counts its uses. Invite records gain
    // `uses` (absent: one) and `withdrawnAt` (absent: null), so existing ones need no change.
    name: 'pod/5-invite-uses',
    to: 5,
    newMaps: ['inviteUses'],
    up: (doc) => {
      if (doc.schemaVersion < 5) doc.schemaVersion = 5
    },
  },
  {
    // Removing a device or a member rotates the pod secret: removal requests and their
    // confirmations, the new secrets sealed to the remaining devices, and secrets sealed later to
    // a device an epoch missed, each in a map of its own. Devices gain `sealingKey` and its
    // signature (absent: null), so existing devices need no change.
    name: 'pod/6-key-epochs',
    to: 6,
    newMaps: ['removals', 'keyEpochs', 'keyGrants'],
    up: (doc) => {
      if (doc.schemaVersion < 6) doc.schemaVersion = 6
    },
  },
  {
    // Every change to the member list is signed by the device that made it (`memberCerts`,
    // and `addedBy`/`signature` on each device). Members already in the pod stay as they are:
    // each is marked with what they were (`legacy`), which stands without a signature.
    name: 'pod/7-signed-members',
    to: 7,
    newMaps: ['memberCerts'],
    up: (doc) => {
      grandfatherMembers(doc)
      if (doc.schemaVersion < 7) doc.schemaVersion = 7
    },
  },
]

/** Migrations that `doc` has not run yet, in registry order. */
export function pendingMigrations(
  doc: Pick<PodDoc, 'migrations'>,
  registry: readonly Migration[] = MIGRATIONS,
): Migration[] {
  return registry.filter((m) => !(m.name in doc.migrations))
}

/**
 * Runs the pending migrations in place. Call it inside a document change; the caller decides
 * whether the document may be written (a document newer than the app is never migrated).
 * Returns the names of the migrations it ran.
 */
export function migratePodDoc(doc: PodDoc, registry: readonly Migration[] = MIGRATIONS): string[] {
  const applied: string[] = []
  for (const migration of pendingMigrations(doc, registry)) {
    for (const key of migration.newMaps ?? []) {
      if (typeof doc[key] !== 'object' || doc[key] === null) {
        throw new Error(`migration ${migration.name} needs the map "${key}" created first`)
      }
    }
    migration.up(doc)
    doc.migrations[migration.name] = migration.to
    applied.push(migration.name)
  }
  return applied
}
