/**
 * How much a pod may hold, in one place. Commands refuse to write past these limits with a
 * plain message; the parser reads a document past them without refusing it (a peer may have
 * written more), so every reading of the pod stays linear in its size.
 *
 * The numbers are far above what the pattern asks of a pod (a learning pod is 4–8 people, a
 * cohort up to about 30) and far below what would make a phone struggle.
 */
export const LIMITS = {
  /** Members of one pod, counting those who paused or left. */
  members: 300,
  /** Devices recorded under one member. */
  devicesPerMember: 20,
  /** Containers (circle, office hours, all-hands), retired ones included. */
  containers: 30,
  /** Meeting records, over the pod's whole life (weekly for twenty years is about 1,000). */
  meetings: 5_000,
  /** Check-ins, insights and action items, each, in one meeting. */
  notesPerMeeting: 500,
  /** Norms and proposals, revisions included. */
  norms: 300,
  /** Roles, retired ones included. */
  roles: 40,
  /** Pairings and role swaps, each, over the pod's life. */
  pairings: 5_000,
  roleSwaps: 5_000,
  /** The pod's own circle formats, and steps in one format. */
  formats: 50,
  stepsPerFormat: 40,
  /** Mentoring relationships outside Tend. */
  outsideRelationships: 300,
  /** Corrections of the record (edits, withdrawals, attendance marks), over the pod's life. */
  corrections: 5_000,
  /** Invites made, and people who joined with one, over the pod's life. */
  invites: 2_000,
  inviteUses: 2_000,
  /** Most people one invite may admit (a first circle). */
  usesPerInvite: 20,
  /** Tags on one insight, and the length of one tag. */
  tagsPerInsight: 20,
  tagLength: 40,
} as const

/** Longest text, in characters, of each kind a person types. */
export const TEXT_LIMITS = {
  /** A person's name: a member, a mentor or mentee outside Tend. */
  personName: 60,
  podName: 80,
  podPurpose: 500,
  containerName: 60,
  roleName: 40,
  formatName: 80,
  formatSummary: 500,
  stepTitle: 120,
  /** Why a meeting was skipped or moved. */
  meetingReason: 200,
  /** Why the pod paused to replant. */
  pauseReason: 300,
  norm: 500,
  /** Why a norm is proposed, or an objection to it. */
  normReason: 500,
  checkIn: 2_000,
  insight: 2_000,
  action: 500,
  topic: 120,
} as const

/**
 * The times a pod may hold (epoch ms): 1 January 1900 to 1 January 2200. Every date
 * computation in Tend stays inside JavaScript's date range from any time in here, even after
 * adding years to it; a time outside is repaired on read.
 */
export const TIME_RANGE = { min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) } as const

/** Longest meeting a container may hold, in minutes (a full day). */
export const MAX_DURATION_MINUTES = 24 * 60

/** Office-hours allowance per mentee per month may be at most this many minutes. */
export const MAX_MINUTES_PER_MENTEE = 24 * 60
