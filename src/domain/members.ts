import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { JourneyStage, Member, MemberStatus, PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'

export interface NewMemberInput {
  name: string
  stage: JourneyStage
  /** Epoch ms; defaults to now. */
  joinedAt?: number
  device?: { id: string; publicKey: string; label: string }
}

/** Adds a member to the pod and returns their id. */
export function addMember(doc: PodDoc, input: NewMemberInput, ctx: CommandContext): string {
  requireRoom(Object.keys(doc.members).length, LIMITS.members, 'members')
  const id = ctx.newId()
  const member: Member = {
    id,
    name: requireText(input.name, 'The member name', TEXT_LIMITS.personName),
    stage: input.stage,
    joinedAt: input.joinedAt ?? ctx.now,
    status: 'active',
    awayUntil: null,
    devices: {},
    createdAt: ctx.now,
    updatedAt: ctx.now,
    legacy: null,
  }
  doc.members[id] = member
  if (input.device !== undefined) {
    doc.members[id].devices[input.device.id] = {
      ...input.device,
      addedAt: ctx.now,
      sealingKey: null,
      sealingKeySignature: null,
      addedBy: null,
      signature: null,
    }
  }
  return id
}

function requireMember(doc: PodDoc, memberId: string): Member {
  const member = ownEntry(doc.members, memberId)
  if (member === undefined) throw new DomainError('That member is not in this pod.')
  return member
}

export interface MemberEdit {
  name?: string
  stage?: JourneyStage
  joinedAt?: number
  awayUntil?: number | null
}

/** Edits a member field by field, touching only what changed so concurrent edits merge. */
export function updateMember(
  doc: PodDoc,
  memberId: string,
  edit: MemberEdit,
  ctx: CommandContext,
): void {
  const member = requireMember(doc, memberId)
  let changed = false
  if (edit.name !== undefined) {
    const name = requireText(edit.name, 'The member name', TEXT_LIMITS.personName)
    if (member.name !== name) {
      member.name = name
      changed = true
    }
  }
  if (edit.stage !== undefined && member.stage !== edit.stage) {
    member.stage = edit.stage
    changed = true
  }
  if (edit.joinedAt !== undefined && member.joinedAt !== edit.joinedAt) {
    if (!Number.isFinite(edit.joinedAt)) throw new DomainError('The joined date is not a date.')
    member.joinedAt = edit.joinedAt
    changed = true
  }
  if (edit.awayUntil !== undefined && member.awayUntil !== edit.awayUntil) {
    member.awayUntil = edit.awayUntil
    changed = true
  }
  if (changed) member.updatedAt = ctx.now
}

/** Marks a member active, paused or left. Nobody is deleted: the pod's history keeps them. */
export function setMemberStatus(
  doc: PodDoc,
  memberId: string,
  status: MemberStatus,
  ctx: CommandContext,
): void {
  const member = requireMember(doc, memberId)
  if (member.status === status) return
  member.status = status
  member.updatedAt = ctx.now
}

/** Records a device's public key under a member, so peers admit that device. */
export function addMemberDevice(
  doc: PodDoc,
  memberId: string,
  device: { id: string; publicKey: string; label: string },
  ctx: CommandContext,
): void {
  const member = requireMember(doc, memberId)
  if (ownEntry(member.devices, device.id) !== undefined) return
  requireRoom(
    Object.keys(member.devices).length,
    LIMITS.devicesPerMember,
    'devices for this member',
  )
  member.devices[device.id] = {
    ...device,
    addedAt: ctx.now,
    sealingKey: null,
    sealingKeySignature: null,
    addedBy: null,
    signature: null,
  }
}
