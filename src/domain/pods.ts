import { TEXT_LIMITS } from '../schema/limits.ts'
import type { JourneyStage, PodDoc, PodKind, Role } from '../schema/podDocument.ts'
import { CURRENT_SCHEMA_VERSION } from '../schema/version.ts'
import { MIGRATIONS } from '../schema/migrations.ts'
import type { CommandContext } from './commandContext.ts'
import { requireText } from './commandContext.ts'

/** The roles a new pod starts with (pattern.md, Section 4); members may change them later. */
export const DEFAULT_ROLES: readonly Pick<Role, 'name' | 'term'>[] = [
  { name: 'Facilitator', term: 'meeting' },
  { name: 'Timekeeper', term: 'meeting' },
  { name: 'Note-taker', term: 'meeting' },
  { name: 'Calendar guardian', term: 'monthly' },
]

export interface NewPodInput {
  name: string
  purpose: string
  kind: PodKind
  founder: { name: string; stage: JourneyStage }
  /** The founder's device, so peers can recognise it. */
  device: { id: string; publicKey: string; label: string } | null
}

/**
 * Fills an empty document with a new pod: its facts, the founder as the first member, and the
 * default roles. Every map the later capabilities use is created here, once, by the pod's
 * creator — never by a migration that two peers might run at once.
 *
 * Returns the founder's member id.
 */
export function initPod(doc: PodDoc, input: NewPodInput, ctx: CommandContext): string {
  const name = requireText(input.name, 'The pod name', TEXT_LIMITS.podName)
  const podId = ctx.newId()
  const founderId = ctx.newId()
  doc.schemaVersion = CURRENT_SCHEMA_VERSION
  doc.migrations = Object.fromEntries(MIGRATIONS.map((m) => [m.name, m.to]))
  doc.pod = {
    id: podId,
    name,
    purpose: input.purpose.trim(),
    kind: input.kind,
    createdAt: ctx.now,
    createdBy: founderId,
    archivedAt: null,
    pausedAt: null,
    pausedUntil: null,
    pauseReason: null,
  }
  doc.members = {}
  doc.containers = {}
  doc.norms = {}
  doc.roles = {}
  doc.roleSwaps = {}
  doc.pairings = {}
  doc.meetings = {}
  doc.outsideRelationships = {}
  doc.formats = {}
  doc.invites = {}
  doc.corrections = {}
  doc.inviteUses = {}
  doc.removals = {}
  doc.keyEpochs = {}
  doc.keyGrants = {}
  doc.memberCerts = {}
  DEFAULT_ROLES.forEach((role, index) => {
    const id = ctx.newId()
    doc.roles[id] = { id, name: role.name, term: role.term, order: `a${index}`, retiredAt: null }
  })
  const founder = {
    id: founderId,
    name: requireText(input.founder.name, 'Your name', TEXT_LIMITS.personName),
    stage: input.founder.stage,
    joinedAt: ctx.now,
    status: 'active' as const,
    awayUntil: null,
    devices: {},
    createdAt: ctx.now,
    updatedAt: ctx.now,
    legacy: null,
  }
  doc.members[founderId] = founder
  if (input.device !== null) {
    doc.members[founderId].devices[input.device.id] = {
      ...input.device,
      addedAt: ctx.now,
      sealingKey: null,
      sealingKeySignature: null,
      addedBy: null,
      signature: null,
    }
  }
  return founderId
}

export interface PodDetailsInput {
  name?: string
  purpose?: string
  kind?: PodKind
}

/** Edits the pod's facts; only the fields given change, so concurrent edits of others merge. */
export function updatePodDetails(doc: PodDoc, input: PodDetailsInput): void {
  if (input.name !== undefined) {
    const name = requireText(input.name, 'The pod name', TEXT_LIMITS.podName)
    if (doc.pod.name !== name) doc.pod.name = name
  }
  if (input.purpose !== undefined && doc.pod.purpose !== input.purpose.trim()) {
    doc.pod.purpose = input.purpose.trim()
  }
  if (input.kind !== undefined && doc.pod.kind !== input.kind) doc.pod.kind = input.kind
}
