/**
 * The pod document: everything a pod's members share, replicated between their devices.
 *
 * Rules that keep it mergeable (see design.md, "Documents"):
 * - entities live in maps keyed by id, never in arrays that two devices might both push to
 *   and reorder;
 * - `null`, never `undefined` (Automerge cannot store `undefined`);
 * - times are epoch milliseconds;
 * - anything derived (whose turn it is, vitality, streaks) is computed, never stored.
 *
 * Fields that later capabilities fill in (containers, norms, roles, pairings, meetings) are
 * named here from schema version 1, so those capabilities extend the document rather than
 * restructure it.
 */

export type PodKind = 'learning-pod' | 'cohort' | 'circle'
export const POD_KINDS: readonly PodKind[] = ['learning-pod', 'cohort', 'circle']

export type JourneyStage = 'newer' | 'practising' | 'experienced'
export const JOURNEY_STAGES: readonly JourneyStage[] = ['newer', 'practising', 'experienced']

export type MemberStatus = 'active' | 'paused' | 'left'
export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'paused', 'left']

/** A device a member uses; its public key lets peers check the device in the handshake. */
export interface MemberDevice {
  id: string
  /** Base64url of the device's public signing key. */
  publicKey: string
  label: string
  addedAt: number
  /**
   * The device's X25519 public key (base64url), which new pod secrets are sealed to after a
   * removal (schema 6); null until the device has published it. Absent: null.
   */
  sealingKey: string | null
  /** The device's own Ed25519 signature over `sealingKeyStatement`; null with no key. */
  sealingKeySignature: string | null
  /**
   * The device (public key) that listed this one, and its signature over `deviceStatement`
   * (schema 7). Null on a device listed before schema 7 (the member's `legacy` names it).
   */
  addedBy: string | null
  signature: string | null
}

export interface Member {
  id: string
  name: string
  stage: JourneyStage
  /** When the member joined the pod (epoch ms, start of the day they joined). */
  joinedAt: number
  status: MemberStatus
  /** A member may be away until a date; rotations skip them until then. */
  awayUntil: number | null
  devices: Record<string, MemberDevice>
  createdAt: number
  updatedAt: number
  /**
   * A member who was in the pod when it reached schema 7 (`pod/7-signed-members`): what they
   * were then (`legacyStatement`, JSON), and the device keys listed under them. Their record
   * stands without a signature; every later change of it is signed. Null for a member added
   * since, whose creation is signed (`memberCerts`).
   */
  legacy: string | null
}

/** The parts of a member's record that are signed, one slot each (see `memberCerts`). */
export type MemberField = 'created' | 'name' | 'stage' | 'joinedAt' | 'status' | 'awayUntil'
export const MEMBER_FIELDS: readonly MemberField[] = [
  'created',
  'name',
  'stage',
  'joinedAt',
  'status',
  'awayUntil',
]

/**
 * One signed part of a member's record (schema 7), keyed `<member id>:<field>`: the member's
 * creation (`created`: their first values, JSON) or the latest value of one field, with the
 * device that set it, when, and its Ed25519 signature over `memberCertStatement`. Written as a
 * whole object each time, so two concurrent writes of one slot keep one whole cert, and
 * writes of different fields merge.
 */
export interface MemberCert {
  id: string
  memberId: string
  field: MemberField
  value: string | number | null
  by: string
  at: number
  /** The founder's creation only: the nonce the pod's key was derived from with `by`. */
  proof: string | null
  signature: string
}

export type ContainerKind = 'circle' | 'office-hours' | 'all-hands'
export type Cadence = 'weekly' | 'biweekly' | 'monthly' | 'quarterly'

/** A container is a recurring space the pod holds: its circle, office hours, an all-hands. */
export interface Container {
  id: string
  kind: ContainerKind
  name: string
  cadence: Cadence
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  /** Local time of day, "HH:MM", in `timeZone`. */
  time: string
  durationMinutes: number
  timeZone: string
  /** Office hours only: minutes per mentee per month (the pattern's default is 30). */
  minutesPerMentee: number | null
  startsAt: number
  retiredAt: number | null
}

export type ConsentResponse = 'consent' | 'stand-aside' | 'object'

export interface ConsentRecord {
  response: ConsentResponse
  reason: string | null
  at: number
}

export interface ConsentRound {
  id: string
  openedAt: number
  closedAt: number | null
  /** Keyed by member id. */
  responses: Record<string, ConsentRecord>
}

export type NormStatus = 'proposed' | 'adopted' | 'revised' | 'retired' | 'withdrawn'

export interface Norm {
  id: string
  text: string
  reason: string | null
  status: NormStatus
  proposedBy: string
  proposedAt: number
  /** The norm this one revises, when it is a revision. */
  revises: string | null
  rounds: Record<string, ConsentRound>
  adoptedAt: number | null
  retiredAt: number | null
}

export type RoleTerm = 'meeting' | 'monthly' | 'quarterly'

export interface Role {
  id: string
  name: string
  term: RoleTerm
  /** A sortable key that orders roles on screen. */
  order: string
  retiredAt: number | null
}

/** A manual swap of a role in one meeting, recorded so the rotation respects it. */
export interface RoleSwap {
  id: string
  meetingId: string
  roleId: string
  fromMemberId: string
  toMemberId: string
  at: number
}

export interface Pairing {
  id: string
  mentorId: string
  menteeId: string
  startedAt: number
  endedAt: number | null
  declinedAt: number | null
  declinedBy: string | null
}

export type MeetingStatus = 'planned' | 'held' | 'skipped' | 'rescheduled'
export type Attendance = 'present' | 'absent' | 'excused'

/**
 * A check-in, insight or action a member withdrew stays in the record (nothing is erased
 * silently): these two scalars say who withdrew it and when, and every reading skips it.
 */
export interface Withdrawable {
  /** When a member withdrew it, or null while it stands. */
  withdrawnAt: number | null
  /** The member who withdrew it, or null. */
  withdrawnBy: string | null
}

export interface CheckIn extends Withdrawable {
  id: string
  memberId: string
  text: string
  at: number
}

export type InsightKind = 'learning' | 'tension' | 'breakthrough' | 'question'

export interface Insight extends Withdrawable {
  id: string
  kind: InsightKind
  text: string
  tags: string[]
  authorId: string
  /** A question may link to the breakthrough it led to. */
  ledTo: string | null
  respondsTo: string | null
  at: number
}

export interface ActionItem extends Withdrawable {
  id: string
  text: string
  ownerId: string | null
  doneAt: number | null
  at: number
}

export interface Meeting {
  id: string
  containerId: string | null
  scheduledFor: number
  status: MeetingStatus
  /** Why a meeting was skipped or rescheduled. */
  reason: string | null
  rescheduledTo: number | null
  heldAt: number | null
  attendance: Record<string, Attendance>
  /** Role id → member id. */
  roleHolders: Record<string, string>
  checkIns: Record<string, CheckIn>
  insights: Record<string, Insight>
  actions: Record<string, ActionItem>
  /** The automerge URL of this meeting's notes document (kept apart, loaded when read). */
  notesUrl: string | null
  /** The circle format this meeting runs: a built-in template's id or one of `PodDoc.formats`;
   * null until someone chooses (the first circle then runs the norm-setting format). */
  formatId: string | null
  createdAt: number
  /**
   * Who started the circle and when (the first device to start it writes both). Optional in
   * the record: absent in meetings written before it existed, and never part of a slot
   * meeting's shared creation record, which every device (of every version) writes alike.
   */
  startedBy?: string | null
  startedAt?: number | null
}

/** One timed step of a pod's own circle format (see `PodFormat`). */
export interface PodFormatStep {
  id: string
  title: string
  minutes: number
  /** What a role holder does in this step, or null. */
  roleCue: string | null
  /** What circle mode shows in the step (a `CircleStepKind` of `src/domain/circleFormats.ts`). */
  kind: string
  /** Minutes per speaker in a round, or null for an open step. */
  speakerMinutes: number | null
  /** Where the step sits: steps are shown by position, ties by id. A number, not a list
   * index, so two members moving or adding steps at once never duplicate one. */
  position: number
}

/** A pod's own edited copy of a circle format (issue 4: "a pod can edit its own copy"). */
export interface PodFormat {
  id: string
  name: string
  summary: string
  /** The built-in template (or pod format) this one was copied from, or null. */
  basedOn: string | null
  steps: Record<string, PodFormatStep>
  createdAt: number
  updatedAt: number
  retiredAt: number | null
}

export interface PodFacts {
  id: string
  name: string
  purpose: string
  kind: PodKind
  createdAt: number
  createdBy: string
  archivedAt: number | null
  /** When the pod was last paused to be replanted (pattern.md, Section 8); null if never. */
  pausedAt: number | null
  /** The restart date of the last pause: meetings before it are not expected. */
  pausedUntil: number | null
  /** Why the pod paused, in the members' words. */
  pauseReason: string | null
}

/**
 * A one-on-one mentoring relationship that happens outside Tend, entered by hand so the
 * mentorship ecology (mentor load against the 3–5 capacity) is whole. People are named, not
 * linked to member ids: the mentor or mentee may not be in any pod on this device.
 */
export interface OutsideRelationship {
  id: string
  mentorName: string
  menteeName: string
  topic: string | null
  startedAt: number
  endedAt: number | null
  createdAt: number
}

/**
 * An invite a member made, recorded in the pod so every member's device can check what a link
 * claims: the link's MAC is made with the pod secret that the link itself carries, so anyone
 * holding a link could re-sign it with a later expiry. The record is signed by the inviting
 * device's key (`invites.ts`, `inviteStatement`), and admission trusts only it (schema 3).
 */
export interface InviteRecord {
  id: string
  /** The member who made it, and the key of the device they made it on (listed under them). */
  invitedBy: string
  deviceKey: string
  createdAt: number
  expiresAt: number
  /** How many people it admits (one by default; more for a first circle). Absent: one. */
  uses: number
  /**
   * For a device link: the member the new device joins as (always the inviter: a member links
   * only their own devices). Null for an invite of a new person. Absent: null.
   */
  forMember: string | null
  /** The inviting device's Ed25519 signature over `inviteStatement(podKey, record)`, base64url. */
  signature: string
  /** When a member withdrew it (it admits no one from then), or null. Not signed: anyone may. */
  withdrawnAt: number | null
}

/**
 * A person who joined with an invite, recorded by their device when it adds them as a member
 * (schema 5), so every member's device can count an invite's uses — whichever device the
 * joiner reached — and refuse it once it is used up.
 */
export interface InviteUse {
  id: string
  inviteId: string
  memberId: string
  /** The key of the device that joined with it. */
  deviceKey: string
  at: number
}

/** What a correction changed: an item of a meeting, a member's attendance mark, or the pod. */
export type CorrectionTarget = 'insight' | 'check-in' | 'action' | 'attendance' | 'pod'
export const CORRECTION_TARGETS: readonly CorrectionTarget[] = [
  'insight',
  'check-in',
  'action',
  'attendance',
  'pod',
]

/**
 * Which field a correction changed: an item's `text`, its standing (`withdrawn`, `restored`),
 * an attendance `mark`, or the pod's `name` or `purpose`.
 */
export type CorrectionField = 'text' | 'withdrawn' | 'restored' | 'mark' | 'name' | 'purpose'
export const CORRECTION_FIELDS: readonly CorrectionField[] = [
  'text',
  'withdrawn',
  'restored',
  'mark',
  'name',
  'purpose',
]

/**
 * One correction of the record: who changed what, when, and what it was before. Kept in a
 * top-level map of its own (schema 4), never inside the entity it corrects, so two members
 * correcting offline each add a key and a merge keeps both.
 */
export interface Correction {
  id: string
  target: CorrectionTarget
  /** The meeting the corrected item or mark belongs to; null for the pod. */
  meetingId: string | null
  /** The item's id; for attendance the member whose mark changed; null for the pod. */
  itemId: string | null
  field: CorrectionField
  /** The value before (a text, an attendance mark), or null when there was none. */
  before: string | null
  /** The value after, or null when it was removed (a mark cleared, an item withdrawn). */
  after: string | null
  /** The member who made the correction. */
  by: string
  at: number
}

/** A confirmation of someone else's removal by a device of a second active member. */
export interface RemovalConfirmation {
  /** The confirming device's public key. */
  by: string
  at: number
  /** The key epoch current on the confirming device (the re-key must go past it). */
  epochSeen: number
  /** The confirming device's signature over `confirmationStatement`. */
  signature: string
}

/**
 * A request to remove one device of a member, or a member with all their devices (schema 6).
 * Removing one's own device (or oneself) takes effect at once; removing someone else takes a
 * confirmation by a device of another active member. Signed by the requesting device.
 */
export interface Removal {
  id: string
  /** The member whose device is removed, or who is removed. */
  memberId: string
  /** The public key of the one device removed, or null: the member and all their devices. */
  deviceKey: string | null
  /** The requesting device's public key. */
  requestedBy: string
  requestedAt: number
  /** The key epoch current on the requesting device. */
  epochSeen: number
  signature: string
  /** Keyed by the confirming device's id. */
  confirmations: Record<string, RemovalConfirmation>
}

/**
 * A new pod secret (schema 6): made by a remaining device after a removal, sealed to each
 * remaining device's sealing key, signed by its maker. Epoch 0 is the pod's first secret and
 * has no entry. Concurrent entries for one epoch are resolved by the lowest signature.
 */
export interface KeyEpoch {
  id: string
  epoch: number
  /** The removals it carries out (ids, sorted). */
  removals: string[]
  /** Recipient device public key → the secret sealed to that device. */
  boxes: Record<string, string>
  /** A check value derived from the secret (it reveals nothing of it): which epoch a secret is. */
  secretCheck: string
  madeBy: string
  madeAt: number
  signature: string
}

/**
 * A current secret sealed to one more device after its epoch was made (a device that joined
 * concurrently, or published its sealing key late), by a device that holds the secret.
 */
export interface KeyGrant {
  id: string
  /** The `KeyEpoch` whose secret it holds. */
  epochId: string
  epoch: number
  to: string
  box: string
  madeBy: string
  madeAt: number
  signature: string
}

export interface PodDoc {
  schemaVersion: number
  /** Migration name → the schema version it brought the document to. A map, not a list, so
   * two peers that run the same migration at once merge to one entry. */
  migrations: Record<string, number>
  pod: PodFacts
  members: Record<string, Member>
  containers: Record<string, Container>
  norms: Record<string, Norm>
  roles: Record<string, Role>
  roleSwaps: Record<string, RoleSwap>
  pairings: Record<string, Pairing>
  meetings: Record<string, Meeting>
  /** One-on-ones outside Tend (see `OutsideRelationship`); created by `initPod`. */
  outsideRelationships: Record<string, OutsideRelationship>
  /** The pod's own circle formats (schema 2; `pod/2-formats` adds the map to older pods). */
  formats: Record<string, PodFormat>
  /** Invites made by members (schema 3; `pod/3-invites` adds the map to older pods). */
  invites: Record<string, InviteRecord>
  /** Corrections of the record (schema 4; `pod/4-corrections` adds the map to older pods). */
  corrections: Record<string, Correction>
  /** Who joined with which invite (schema 5; `pod/5-invite-uses` adds the map). */
  inviteUses: Record<string, InviteUse>
  /** Requests to remove a device or member (schema 6; `pod/6-key-epochs` adds the maps). */
  removals: Record<string, Removal>
  /** New pod secrets after removals, sealed to the remaining devices (schema 6). */
  keyEpochs: Record<string, KeyEpoch>
  /** A current secret sealed to a device that an epoch missed (schema 6). */
  keyGrants: Record<string, KeyGrant>
  /** Signed parts of members' records (schema 7; `pod/7-signed-members` adds the map). */
  memberCerts: Record<string, MemberCert>
}

/** The notes document of one meeting: collaborative text, edited with splice. */
export interface NotesDoc {
  schemaVersion: number
  meetingId: string
  podId: string
  text: string
}
