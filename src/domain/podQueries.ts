import type { Member, MemberStatus, PodDoc, PodKind } from '../schema/podDocument.ts'

/**
 * The pattern's size guidance (pattern.md, Section 3): a learning pod holds 4–6 people, a cohort
 * 8–12. A circle has no fixed size.
 */
export const SIZE_GUIDANCE: Readonly<Record<PodKind, { min: number; max: number } | null>> = {
  'learning-pod': { min: 4, max: 6 },
  cohort: { min: 8, max: 12 },
  circle: null,
}

export interface SizeReading {
  activeCount: number
  range: { min: number; max: number } | null
  fit: 'below' | 'within' | 'above' | 'open'
  /** A gentle sentence for the pod overview. */
  message: string
}

const KIND_NAMES: Record<PodKind, string> = {
  'learning-pod': 'learning pod',
  cohort: 'cohort',
  circle: 'circle',
}

/** Reads the pod's active size against the pattern's guidance for its kind. */
export function readPodSize(doc: Pick<PodDoc, 'pod' | 'members'>): SizeReading {
  const activeCount = Object.values(doc.members).filter((m) => m.status === 'active').length
  const range = SIZE_GUIDANCE[doc.pod.kind]
  const kind = KIND_NAMES[doc.pod.kind]
  const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`
  if (range === null) {
    return { activeCount, range, fit: 'open', message: `${people(activeCount)} active.` }
  }
  const span = `${range.min}–${range.max}`
  if (activeCount < range.min) {
    return {
      activeCount,
      range,
      fit: 'below',
      message: `${people(activeCount)} active. A ${kind} usually holds ${span}; with fewer, one absence changes the whole circle. Consider inviting someone.`,
    }
  }
  if (activeCount > range.max) {
    return {
      activeCount,
      range,
      fit: 'above',
      message: `${people(activeCount)} active. A ${kind} usually holds ${span}; above that, quieter voices get lost. Consider splitting into two.`,
    }
  }
  return {
    activeCount,
    range,
    fit: 'within',
    message: `${people(activeCount)} active — within the ${span} a ${kind} thrives at.`,
  }
}

const STATUS_ORDER: Record<MemberStatus, number> = { active: 0, paused: 1, left: 2 }

/** Members for display: active first, then paused, then those who left; by name within each. */
export function membersForDisplay(doc: Pick<PodDoc, 'members'>): Member[] {
  return Object.values(doc.members).sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name),
  )
}

/** The member a device's public key belongs to, if any. */
export function memberForDevice(doc: Pick<PodDoc, 'members'>, publicKey: string): Member | null {
  for (const member of Object.values(doc.members)) {
    for (const device of Object.values(member.devices)) {
      if (device.publicKey === publicKey) return member
    }
  }
  return null
}
