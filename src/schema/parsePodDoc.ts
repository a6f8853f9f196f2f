import type {
  ActionItem,
  Attendance,
  CheckIn,
  ConsentRecord,
  Correction,
  ConsentRound,
  Container,
  Insight,
  Meeting,
  Member,
  MemberCert,
  MemberDevice,
  Norm,
  OutsideRelationship,
  Pairing,
  PodDoc,
  PodFacts,
  PodFormat,
  PodFormatStep,
  InviteRecord,
  InviteUse,
  KeyEpoch,
  KeyGrant,
  Removal,
  RemovalConfirmation,
  Role,
  RoleSwap,
} from './podDocument.ts'
import {
  CORRECTION_FIELDS,
  CORRECTION_TARGETS,
  JOURNEY_STAGES,
  MEMBER_FIELDS,
  MEMBER_STATUSES,
  POD_KINDS,
} from './podDocument.ts'
import { CURRENT_SCHEMA_VERSION } from './version.ts'
import { emptyIdMap } from './idMap.ts'
import { isPlainRecord } from './plainRecord.ts'
import { MAX_DURATION_MINUTES, MAX_MINUTES_PER_MENTEE, TIME_RANGE } from './limits.ts'

/**
 * The outcome of reading a pod document that any peer may have written.
 *
 * `view` is always a complete, well-typed copy that the screens can read without checks;
 * `problems` says, in plain words, what was repaired or left out. `readOnly` is true when the
 * document was written by a newer Tend: its unknown fields must not be overwritten.
 */
export type PodParse =
  | { ok: true; view: PodDoc; problems: string[]; readOnly: boolean }
  | { ok: false; problems: string[] }

type Obj = Record<string, unknown>

/** The value a peer stored under `key`, never one inherited through a prototype. */
function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined
}

/** Says what a wrong value was without calling anything on it (a peer may have written
 * `{ toString: 1 }`). */
function describe(v: unknown): string {
  if (v === undefined) return '"undefined"'
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return `"${String(v)}"`
  if (Array.isArray(v)) return '(a list)'
  return `(${typeof v === 'object' ? 'an object' : `a ${typeof v}`})`
}

const timeZoneChecks = new Map<string, boolean>()

/** True when the runtime's Intl knows `timeZone`; answers are kept, so each zone is tried once. */
function knownTimeZone(timeZone: string): boolean {
  let known = timeZoneChecks.get(timeZone)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone })
      known = timeZone !== ''
    } catch {
      known = false
    }
    if (timeZoneChecks.size < 1_000) timeZoneChecks.set(timeZone, known)
  }
  return known
}

class Reader {
  readonly problems: string[] = []
  report(where: string, what: string): void {
    this.problems.push(`${where}: ${what}`)
  }
  obj(v: unknown): v is Obj {
    return isPlainRecord(v)
  }
  str(o: Obj, key: string, where: string, fallback: string): string {
    const v = own(o, key)
    if (typeof v === 'string') return v
    this.report(where, v === undefined ? `${key} was missing` : `${key} was not text`)
    return fallback
  }
  strOrNull(o: Obj, key: string, where: string): string | null {
    const v = own(o, key)
    if (typeof v === 'string') return v
    if (v !== undefined && v !== null) this.report(where, `${key} was not text`)
    return null
  }
  num(o: Obj, key: string, where: string, fallback: number): number {
    const v = own(o, key)
    if (typeof v === 'number' && Number.isFinite(v)) return v
    this.report(where, v === undefined ? `${key} was missing` : `${key} was not a number`)
    return fallback
  }
  numOrNull(o: Obj, key: string, where: string): number | null {
    const v = own(o, key)
    if (typeof v === 'number' && Number.isFinite(v)) return v
    if (v !== undefined && v !== null) this.report(where, `${key} was not a number`)
    return null
  }
  /** A whole number in [min, max]; anything else is reported and becomes `fallback`. */
  int(o: Obj, key: string, where: string, min: number, max: number, fallback: number): number {
    const v = this.num(o, key, where, fallback)
    if (Number.isInteger(v) && v >= min && v <= max) return v
    this.report(where, `${key} ${describe(v)} is not a whole number from ${min} to ${max}`)
    return fallback
  }
  /** A time (epoch ms) inside `TIME_RANGE`; one outside is moved to the nearest end of it. */
  time(o: Obj, key: string, where: string): number {
    return this.inRange(this.num(o, key, where, 0), key, where)
  }
  /** A time or null; a time outside `TIME_RANGE` becomes null. */
  timeOrNull(o: Obj, key: string, where: string): number | null {
    const v = this.numOrNull(o, key, where)
    if (v === null || (v >= TIME_RANGE.min && v <= TIME_RANGE.max)) return v
    this.report(where, `${key} was not a date Tend can show; left out`)
    return null
  }
  private inRange(v: number, key: string, where: string): number {
    if (v >= TIME_RANGE.min && v <= TIME_RANGE.max) return v
    this.report(where, `${key} was not a date Tend can show`)
    return Math.min(TIME_RANGE.max, Math.max(TIME_RANGE.min, v))
  }
  oneOf<T extends string>(
    o: Obj,
    key: string,
    where: string,
    allowed: readonly T[],
    fallback: T,
  ): T {
    const v = own(o, key)
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T
    this.report(where, `${key} ${describe(v)} is not one of ${allowed.join(', ')}`)
    return fallback
  }
  strings(o: Obj, key: string, where: string): string[] {
    const v = own(o, key)
    if (!Array.isArray(v)) {
      if (v !== undefined) this.report(where, `${key} was not a list`)
      return []
    }
    // A plain loop: a list's own `constructor` (a peer may set one) steers `filter` and `map`.
    const texts: string[] = []
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i]
      if (typeof item === 'string') texts.push(item)
    }
    if (texts.length !== v.length) this.report(where, `${key}: left out what was not text`)
    return texts
  }
  /** Reads a map keyed by id; entries that cannot be repaired are left out and reported. */
  map<T>(
    o: Obj,
    key: string,
    where: string,
    entry: (value: Obj, id: string, where: string) => T | null,
  ): Record<string, T> {
    const v = own(o, key)
    const out = emptyIdMap<T>()
    if (!this.obj(v)) {
      this.report(where, v === undefined ? `${key} was missing` : `${key} was not a map`)
      return out
    }
    this.hiddenProto(v, `${where}.${key}`)
    for (const [id, value] of Object.entries(v)) {
      const at = `${where}.${key}.${id}`
      if (id === '__proto__') {
        this.report(at, 'left out: not an id Tend can store')
        continue
      }
      if (!this.obj(value)) {
        this.report(at, 'left out: not an object')
        continue
      }
      const parsed = entry(value, id, at)
      if (parsed !== null) out[id] = parsed
    }
    return out
  }
  /** Reads a map of id → a value `accept` takes; other values are left out and reported. */
  valueMap<T>(
    o: Obj,
    key: string,
    where: string,
    accept: (v: unknown) => v is T,
    wrong: string,
  ): Record<string, T> {
    const v = own(o, key)
    const out = emptyIdMap<T>()
    if (!this.obj(v)) {
      this.report(where, v === undefined ? `${key} was missing` : `${key} was not a map`)
      return out
    }
    this.hiddenProto(v, `${where}.${key}`)
    for (const [id, value] of Object.entries(v)) {
      if (id !== '__proto__' && accept(value)) out[id] = value
      else this.report(`${where}.${key}.${id}`, `left out: ${wrong}`)
    }
    return out
  }
  /**
   * Automerge reads a map entry a peer keyed `__proto__` into the map's prototype, where
   * `Object.entries` does not list it; the stored map still holds it, so it is reported (and a
   * repair deletes it).
   */
  hiddenProto(map: Obj, where: string): void {
    const proto: unknown = Object.getPrototypeOf(map)
    if (proto !== Object.prototype && proto !== null) {
      this.report(`${where}.__proto__`, 'left out: not an id Tend can store')
    }
  }
  /** The entry's id is its key in the map; a stored `id` that says otherwise is reported. */
  id(o: Obj, id: string, where: string): string {
    if (own(o, 'id') !== id) this.report(where, 'id did not match its key')
    return id
  }
}

const CONTAINER_KINDS = ['circle', 'office-hours', 'all-hands'] as const
const CADENCES = ['weekly', 'biweekly', 'monthly', 'quarterly'] as const
const NORM_STATUSES = ['proposed', 'adopted', 'revised', 'retired', 'withdrawn'] as const
const CONSENT_RESPONSES = ['consent', 'stand-aside', 'object'] as const
const ROLE_TERMS = ['meeting', 'monthly', 'quarterly'] as const
const MEETING_STATUSES = ['planned', 'held', 'skipped', 'rescheduled'] as const
const ATTENDANCE: readonly Attendance[] = ['present', 'absent', 'excused']
const INSIGHT_KINDS = ['learning', 'tension', 'breakthrough', 'question'] as const

const isAttendance = (v: unknown): v is Attendance =>
  typeof v === 'string' && (ATTENDANCE as readonly string[]).includes(v)
const isText = (v: unknown): v is string => typeof v === 'string'

function device(r: Reader, o: Obj, id: string, at: string): MemberDevice | null {
  const publicKey = r.str(o, 'publicKey', at, '')
  if (publicKey === '') {
    r.report(at, 'left out: a device with no key')
    return null
  }
  return {
    id: r.id(o, id, at),
    publicKey,
    label: r.str(o, 'label', at, 'device'),
    addedAt: r.time(o, 'addedAt', at),
    ...sealingKeyOf(r, o, at),
    ...signedByOf(r, o, at),
  }
}

/** Who listed a device and their signature come together or not at all (absent: none). */
function signedByOf(r: Reader, o: Obj, at: string): Pick<MemberDevice, 'addedBy' | 'signature'> {
  const by = own(o, 'addedBy') ?? null
  const signature = own(o, 'signature') ?? null
  if (by === null && signature === null) return { addedBy: null, signature: null }
  if (typeof by === 'string' && typeof signature === 'string') return { addedBy: by, signature }
  r.report(at, 'who listed it was not a key with its signature; left out')
  return { addedBy: null, signature: null }
}

/** A device's sealing key and its signature come together or not at all (absent: none yet). */
function sealingKeyOf(
  r: Reader,
  o: Obj,
  at: string,
): Pick<MemberDevice, 'sealingKey' | 'sealingKeySignature'> {
  const key = own(o, 'sealingKey') ?? null
  const signature = own(o, 'sealingKeySignature') ?? null
  if (key === null && signature === null) return { sealingKey: null, sealingKeySignature: null }
  if (typeof key === 'string' && typeof signature === 'string')
    return { sealingKey: key, sealingKeySignature: signature }
  r.report(at, 'its sealing key was not a key with its signature; left out')
  return { sealingKey: null, sealingKeySignature: null }
}

function member(r: Reader, o: Obj, id: string, at: string): Member | null {
  return {
    id: r.id(o, id, at),
    name: r.str(o, 'name', at, 'Unnamed member'),
    stage: r.oneOf(o, 'stage', at, JOURNEY_STAGES, 'newer'),
    joinedAt: r.time(o, 'joinedAt', at),
    status: r.oneOf(o, 'status', at, MEMBER_STATUSES, 'active'),
    awayUntil: r.timeOrNull(o, 'awayUntil', at),
    devices: r.map(o, 'devices', at, (v, did, w) => device(r, v, did, w)),
    createdAt: r.time(o, 'createdAt', at),
    updatedAt: r.time(o, 'updatedAt', at),
    // Absent before schema 7 and on members added since: null.
    legacy: own(o, 'legacy') === undefined ? null : r.strOrNull(o, 'legacy', at),
  }
}

/** A signed part of a member's record; one that is not whole says nothing and is left out. */
function memberCert(r: Reader, v: Obj, id: string, at: string): MemberCert | null {
  const { memberId, field, value, by, at: when, signature } = v
  const proof = own(v, 'proof') ?? null
  if (
    own(v, 'id') !== id ||
    typeof memberId !== 'string' ||
    typeof field !== 'string' ||
    !(MEMBER_FIELDS as readonly string[]).includes(field) ||
    id !== `${memberId}:${field}` ||
    !(typeof value === 'string' || isFiniteNumber(value) || value === null) ||
    typeof by !== 'string' ||
    !isFiniteNumber(when) ||
    !(proof === null || typeof proof === 'string') ||
    typeof signature !== 'string'
  ) {
    r.report(at, 'left out: not a whole signed member entry')
    return null
  }
  return {
    id,
    memberId,
    field: field as MemberCert['field'],
    value,
    by,
    at: when,
    proof,
    signature,
  }
}

function container(r: Reader, o: Obj, id: string, at: string): Container | null {
  let timeZone = r.str(o, 'timeZone', at, 'UTC')
  if (!knownTimeZone(timeZone)) {
    r.report(at, `timeZone ${describe(timeZone)} is not a time zone; read as UTC`)
    timeZone = 'UTC'
  }
  const minutesPerMentee = r.numOrNull(o, 'minutesPerMentee', at)
  const allowanceFits =
    minutesPerMentee === null ||
    (Number.isInteger(minutesPerMentee) &&
      minutesPerMentee >= 0 &&
      minutesPerMentee <= MAX_MINUTES_PER_MENTEE)
  if (!allowanceFits) r.report(at, 'minutesPerMentee was out of range; the default is used')
  return {
    id: r.id(o, id, at),
    kind: r.oneOf(o, 'kind', at, CONTAINER_KINDS, 'circle'),
    name: r.str(o, 'name', at, 'Circle'),
    cadence: r.oneOf(o, 'cadence', at, CADENCES, 'weekly'),
    weekday: r.int(o, 'weekday', at, 0, 6, 1),
    time: r.str(o, 'time', at, '18:00'),
    durationMinutes: r.int(o, 'durationMinutes', at, 1, MAX_DURATION_MINUTES, 60),
    timeZone,
    minutesPerMentee: allowanceFits ? minutesPerMentee : null,
    startsAt: r.time(o, 'startsAt', at),
    retiredAt: r.timeOrNull(o, 'retiredAt', at),
  }
}

function consentRecord(r: Reader, o: Obj, _id: string, at: string): ConsentRecord | null {
  return {
    response: r.oneOf(o, 'response', at, CONSENT_RESPONSES, 'stand-aside'),
    reason: r.strOrNull(o, 'reason', at),
    at: r.time(o, 'at', at),
  }
}

function consentRound(r: Reader, o: Obj, id: string, at: string): ConsentRound | null {
  return {
    id: r.id(o, id, at),
    openedAt: r.time(o, 'openedAt', at),
    closedAt: r.timeOrNull(o, 'closedAt', at),
    responses: r.map(o, 'responses', at, (v, mid, w) => consentRecord(r, v, mid, w)),
  }
}

function norm(r: Reader, o: Obj, id: string, at: string): Norm | null {
  const text = r.str(o, 'text', at, '')
  if (text === '') {
    r.report(at, 'left out: a norm with no text')
    return null
  }
  return {
    id: r.id(o, id, at),
    text,
    reason: r.strOrNull(o, 'reason', at),
    status: r.oneOf(o, 'status', at, NORM_STATUSES, 'proposed'),
    proposedBy: r.str(o, 'proposedBy', at, ''),
    proposedAt: r.time(o, 'proposedAt', at),
    revises: r.strOrNull(o, 'revises', at),
    rounds: r.map(o, 'rounds', at, (v, rid, w) => consentRound(r, v, rid, w)),
    adoptedAt: r.timeOrNull(o, 'adoptedAt', at),
    retiredAt: r.timeOrNull(o, 'retiredAt', at),
  }
}

function role(r: Reader, o: Obj, id: string, at: string): Role | null {
  return {
    id: r.id(o, id, at),
    name: r.str(o, 'name', at, 'Role'),
    term: r.oneOf(o, 'term', at, ROLE_TERMS, 'meeting'),
    order: r.str(o, 'order', at, id),
    retiredAt: r.timeOrNull(o, 'retiredAt', at),
  }
}

function roleSwap(r: Reader, o: Obj, id: string, at: string): RoleSwap | null {
  return {
    id: r.id(o, id, at),
    meetingId: r.str(o, 'meetingId', at, ''),
    roleId: r.str(o, 'roleId', at, ''),
    fromMemberId: r.str(o, 'fromMemberId', at, ''),
    toMemberId: r.str(o, 'toMemberId', at, ''),
    at: r.time(o, 'at', at),
  }
}

function pairing(r: Reader, o: Obj, id: string, at: string): Pairing | null {
  const mentorId = r.str(o, 'mentorId', at, '')
  const menteeId = r.str(o, 'menteeId', at, '')
  if (mentorId === '' || menteeId === '') {
    r.report(at, 'left out: a pairing without both people')
    return null
  }
  return {
    id: r.id(o, id, at),
    mentorId,
    menteeId,
    startedAt: r.time(o, 'startedAt', at),
    endedAt: r.timeOrNull(o, 'endedAt', at),
    declinedAt: r.timeOrNull(o, 'declinedAt', at),
    declinedBy: r.strOrNull(o, 'declinedBy', at),
  }
}

function meeting(r: Reader, o: Obj, id: string, at: string): Meeting | null {
  return {
    id: r.id(o, id, at),
    containerId: r.strOrNull(o, 'containerId', at),
    scheduledFor: r.time(o, 'scheduledFor', at),
    status: r.oneOf(o, 'status', at, MEETING_STATUSES, 'planned'),
    reason: r.strOrNull(o, 'reason', at),
    rescheduledTo: r.timeOrNull(o, 'rescheduledTo', at),
    heldAt: r.timeOrNull(o, 'heldAt', at),
    attendance: r.valueMap(o, 'attendance', at, isAttendance, 'not present, absent or excused'),
    roleHolders: r.valueMap(o, 'roleHolders', at, isText, 'not a member id'),
    checkIns: r.map(o, 'checkIns', at, (v, cid, w): CheckIn | null => ({
      id: r.id(v, cid, w),
      memberId: r.str(v, 'memberId', w, ''),
      text: r.str(v, 'text', w, ''),
      at: r.time(v, 'at', w),
      withdrawnAt: r.timeOrNull(v, 'withdrawnAt', w),
      withdrawnBy: r.strOrNull(v, 'withdrawnBy', w),
    })),
    insights: r.map(o, 'insights', at, (v, iid, w): Insight | null => ({
      id: r.id(v, iid, w),
      kind: r.oneOf(v, 'kind', w, INSIGHT_KINDS, 'learning'),
      text: r.str(v, 'text', w, ''),
      tags: r.strings(v, 'tags', w),
      authorId: r.str(v, 'authorId', w, ''),
      ledTo: r.strOrNull(v, 'ledTo', w),
      respondsTo: r.strOrNull(v, 'respondsTo', w),
      at: r.time(v, 'at', w),
      withdrawnAt: r.timeOrNull(v, 'withdrawnAt', w),
      withdrawnBy: r.strOrNull(v, 'withdrawnBy', w),
    })),
    actions: r.map(o, 'actions', at, (v, aid, w): ActionItem | null => ({
      id: r.id(v, aid, w),
      text: r.str(v, 'text', w, ''),
      ownerId: r.strOrNull(v, 'ownerId', w),
      doneAt: r.timeOrNull(v, 'doneAt', w),
      at: r.time(v, 'at', w),
      withdrawnAt: r.timeOrNull(v, 'withdrawnAt', w),
      withdrawnBy: r.strOrNull(v, 'withdrawnBy', w),
    })),
    notesUrl: r.strOrNull(o, 'notesUrl', at),
    formatId: r.strOrNull(o, 'formatId', at),
    createdAt: r.time(o, 'createdAt', at),
    startedBy: r.strOrNull(o, 'startedBy', at),
    startedAt: r.timeOrNull(o, 'startedAt', at),
  }
}

/** The id a pod whose own id a peer broke is read with: the same on every device. */
export const REPAIRED_POD_ID = 'pod-id-repaired'

function podFacts(r: Reader, o: Obj, repairId: boolean): PodFacts | null {
  let id = own(o, 'id')
  if (typeof id !== 'string' || id === '') {
    if (!repairId) return null
    r.report('pod', `its id ${describe(id)} was not an id`)
    id = REPAIRED_POD_ID
  }
  return {
    id: id as string,
    name: r.str(o, 'name', 'pod', 'Unnamed pod'),
    purpose: r.str(o, 'purpose', 'pod', ''),
    kind: r.oneOf(o, 'kind', 'pod', POD_KINDS, 'learning-pod'),
    createdAt: r.time(o, 'createdAt', 'pod'),
    createdBy: r.str(o, 'createdBy', 'pod', ''),
    archivedAt: r.timeOrNull(o, 'archivedAt', 'pod'),
    pausedAt: r.timeOrNull(o, 'pausedAt', 'pod'),
    pausedUntil: r.timeOrNull(o, 'pausedUntil', 'pod'),
    pauseReason: r.strOrNull(o, 'pauseReason', 'pod'),
  }
}

function outsideRelationship(
  r: Reader,
  o: Obj,
  id: string,
  at: string,
): OutsideRelationship | null {
  const mentorName = r.str(o, 'mentorName', at, '')
  const menteeName = r.str(o, 'menteeName', at, '')
  if (mentorName.trim() === '' || menteeName.trim() === '') {
    r.report(at, 'left out: a relationship without both names')
    return null
  }
  return {
    id: r.id(o, id, at),
    mentorName,
    menteeName,
    topic: r.strOrNull(o, 'topic', at),
    startedAt: r.time(o, 'startedAt', at),
    endedAt: r.timeOrNull(o, 'endedAt', at),
    createdAt: r.time(o, 'createdAt', at),
  }
}

function formatStep(r: Reader, o: Obj, id: string, at: string): PodFormatStep | null {
  const title = r.str(o, 'title', at, '')
  if (title.trim() === '') {
    r.report(at, 'left out: a step with no title')
    return null
  }
  const speakerMinutes = r.numOrNull(o, 'speakerMinutes', at)
  const speakerFits =
    speakerMinutes === null ||
    (Number.isInteger(speakerMinutes) && speakerMinutes >= 1 && speakerMinutes <= 60)
  if (!speakerFits) r.report(at, 'speakerMinutes was not 1 to 60; left out')
  return {
    id: r.id(o, id, at),
    title,
    minutes: r.int(o, 'minutes', at, 1, 240, 5),
    roleCue: r.strOrNull(o, 'roleCue', at),
    kind: r.str(o, 'kind', at, 'discussion'),
    speakerMinutes: speakerFits ? speakerMinutes : null,
    position: r.num(o, 'position', at, 0),
  }
}

function podFormat(r: Reader, o: Obj, id: string, at: string): PodFormat | null {
  return {
    id: r.id(o, id, at),
    name: r.str(o, 'name', at, 'Our format'),
    summary: r.str(o, 'summary', at, ''),
    basedOn: r.strOrNull(o, 'basedOn', at),
    steps: r.map(o, 'steps', at, (v, sid, w) => formatStep(r, v, sid, w)),
    createdAt: r.time(o, 'createdAt', at),
    updatedAt: r.time(o, 'updatedAt', at),
    retiredAt: r.timeOrNull(o, 'retiredAt', at),
  }
}

/** An invite record is all-or-nothing: one with a missing field is left out (and refuses). */
function inviteRecord(r: Reader, v: Obj, id: string, at: string): InviteRecord | null {
  const { invitedBy, deviceKey, createdAt, expiresAt, signature } = v
  const uses = own(v, 'uses') ?? 1
  const withdrawnAt = own(v, 'withdrawnAt') ?? null
  const forMember = own(v, 'forMember') ?? null
  if (
    !(forMember === null || typeof forMember === 'string') ||
    typeof uses !== 'number' ||
    !Number.isInteger(uses) ||
    uses < 1 ||
    !(withdrawnAt === null || (typeof withdrawnAt === 'number' && Number.isFinite(withdrawnAt))) ||
    typeof invitedBy !== 'string' ||
    typeof deviceKey !== 'string' ||
    typeof createdAt !== 'number' ||
    typeof expiresAt !== 'number' ||
    !Number.isFinite(createdAt) ||
    !Number.isFinite(expiresAt) ||
    typeof signature !== 'string' ||
    v['id'] !== id
  ) {
    r.report(at, 'left out: not a whole invite record')
    return null
  }
  return {
    id,
    invitedBy,
    deviceKey,
    createdAt,
    expiresAt,
    uses,
    forMember,
    signature,
    withdrawnAt,
  }
}

/** A record of someone joining with an invite is all-or-nothing, like the invite itself. */
function inviteUse(r: Reader, v: Obj, id: string, at: string): InviteUse | null {
  const { inviteId, memberId, deviceKey, at: when } = v
  if (
    typeof inviteId !== 'string' ||
    typeof memberId !== 'string' ||
    typeof deviceKey !== 'string' ||
    typeof when !== 'number' ||
    !Number.isFinite(when) ||
    own(v, 'id') !== id
  ) {
    r.report(at, 'left out: not a whole record of an invite used')
    return null
  }
  return { id, inviteId, memberId, deviceKey, at: when }
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isWholeEpoch = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1_000_000

function confirmation(r: Reader, v: Obj, at: string): RemovalConfirmation | null {
  const { by, at: when, epochSeen, signature } = v
  if (
    typeof by !== 'string' ||
    !isFiniteNumber(when) ||
    !isWholeEpoch(epochSeen) ||
    typeof signature !== 'string'
  ) {
    r.report(at, 'left out: not a whole confirmation')
    return null
  }
  return { by, at: when, epochSeen, signature }
}

/**
 * Removals, key epochs and grants are signed: a field repaired would break the signature, so
 * each is all-or-nothing — one with a missing or wrong field is left out and reported.
 */
function removal(r: Reader, v: Obj, id: string, at: string): Removal | null {
  const { memberId, requestedBy, requestedAt, epochSeen, signature } = v
  const deviceKey = own(v, 'deviceKey') ?? null
  if (
    typeof memberId !== 'string' ||
    !(deviceKey === null || typeof deviceKey === 'string') ||
    typeof requestedBy !== 'string' ||
    !isFiniteNumber(requestedAt) ||
    !isWholeEpoch(epochSeen) ||
    typeof signature !== 'string' ||
    own(v, 'id') !== id
  ) {
    r.report(at, 'left out: not a whole removal request')
    return null
  }
  const confirmations =
    own(v, 'confirmations') === undefined
      ? emptyIdMap<RemovalConfirmation>()
      : r.map(v, 'confirmations', at, (c, _cid, w) => confirmation(r, c, w))
  return {
    id,
    memberId,
    deviceKey,
    requestedBy,
    requestedAt,
    epochSeen,
    signature,
    confirmations,
  }
}

function keyEpoch(r: Reader, v: Obj, id: string, at: string): KeyEpoch | null {
  const { epoch, secretCheck, madeBy, madeAt, signature } = v
  const removals = own(v, 'removals')
  const boxes = own(v, 'boxes')
  const whole =
    isWholeEpoch(epoch) &&
    epoch >= 1 &&
    typeof secretCheck === 'string' &&
    typeof madeBy === 'string' &&
    isFiniteNumber(madeAt) &&
    typeof signature === 'string' &&
    own(v, 'id') === id &&
    Array.isArray(removals) &&
    r.obj(boxes)
  if (!whole) {
    r.report(at, 'left out: not a whole key epoch')
    return null
  }
  const removalIds: string[] = []
  for (let i = 0; i < removals.length; i++) {
    const item: unknown = removals[i]
    if (typeof item !== 'string') {
      r.report(at, 'left out: not a whole key epoch')
      return null
    }
    removalIds.push(item)
  }
  const sealed = emptyIdMap<string>()
  for (const [key, box] of Object.entries(boxes)) {
    if (key === '__proto__' || typeof box !== 'string') {
      r.report(at, 'left out: not a whole key epoch')
      return null
    }
    sealed[key] = box
  }
  return {
    id,
    epoch,
    removals: removalIds,
    boxes: sealed,
    secretCheck,
    madeBy,
    madeAt,
    signature,
  }
}

function keyGrant(r: Reader, v: Obj, id: string, at: string): KeyGrant | null {
  const { epochId, epoch, to, box, madeBy, madeAt, signature } = v
  if (
    typeof epochId !== 'string' ||
    !isWholeEpoch(epoch) ||
    typeof to !== 'string' ||
    typeof box !== 'string' ||
    typeof madeBy !== 'string' ||
    !isFiniteNumber(madeAt) ||
    typeof signature !== 'string' ||
    own(v, 'id') !== id
  ) {
    r.report(at, 'left out: not a whole key grant')
    return null
  }
  return { id, epochId, epoch, to, box, madeBy, madeAt, signature }
}

/**
 * A correction names what it changed and who changed it; one without a known target or field,
 * or without its author, says nothing a reader could trust, and is left out.
 */
function correction(r: Reader, o: Obj, id: string, at: string): Correction | null {
  const target = own(o, 'target')
  const field = own(o, 'field')
  const by = r.str(o, 'by', at, '')
  if (
    typeof target !== 'string' ||
    !(CORRECTION_TARGETS as readonly string[]).includes(target) ||
    typeof field !== 'string' ||
    !(CORRECTION_FIELDS as readonly string[]).includes(field) ||
    by === ''
  ) {
    r.report(at, 'left out: a correction that does not say what it changed or who changed it')
    return null
  }
  return {
    id: r.id(o, id, at),
    target: target as Correction['target'],
    meetingId: r.strOrNull(o, 'meetingId', at),
    itemId: r.strOrNull(o, 'itemId', at),
    field: field as Correction['field'],
    before: r.strOrNull(o, 'before', at),
    after: r.strOrNull(o, 'after', at),
    by,
    at: r.time(o, 'at', at),
  }
}

/**
 * Reads a pod document tolerantly (Excalidraw's `restore` is the model): repairs what it can,
 * leaves out what it cannot and says so, and never throws. Only a value that is not a pod at all
 * (no object, no pod id) fails.
 */
export function parsePodDoc(raw: unknown, options: { strict?: boolean } = {}): PodParse {
  const r = new Reader()
  if (!r.obj(raw)) return { ok: false, problems: ['This is not a pod: it is not an object.'] }
  const rawFacts = own(raw, 'pod')
  // A document that has a pod's parts is read as a pod even when a peer broke its facts (or
  // removed them): otherwise one member could make the pod unreadable, and uneditable, for all.
  // A file being opened (`strict`) must show its pod id to count as a pod.
  const looksLikePod = ['pod', 'members', 'migrations', 'schemaVersion'].some((key) =>
    Object.hasOwn(raw, key),
  )
  const repairFacts = options.strict !== true && looksLikePod
  if (!r.obj(rawFacts) && repairFacts) r.report('pod', 'its facts were missing or not a map')
  const facts = podFacts(r, r.obj(rawFacts) ? rawFacts : {}, repairFacts)
  if (facts === null) return { ok: false, problems: ['This is not a pod: it has no pod id.'] }

  let schemaVersion = r.num(raw, 'schemaVersion', 'document', 1)
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    r.report('document', `schemaVersion ${describe(schemaVersion)} is not a known version`)
    schemaVersion = 1
  }
  const readOnly = schemaVersion > CURRENT_SCHEMA_VERSION
  if (readOnly) {
    r.report(
      'document',
      `written by a newer Tend (schema ${schemaVersion}, this app knows ${CURRENT_SCHEMA_VERSION}); opened read-only`,
    )
  }
  const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
  const migrations = r.valueMap(raw, 'migrations', 'document', isVersion, 'not a schema version')

  const view: PodDoc = {
    schemaVersion,
    migrations,
    pod: facts,
    members: r.map(raw, 'members', 'document', (v, id, at) => member(r, v, id, at)),
    containers: r.map(raw, 'containers', 'document', (v, id, at) => container(r, v, id, at)),
    norms: r.map(raw, 'norms', 'document', (v, id, at) => norm(r, v, id, at)),
    roles: r.map(raw, 'roles', 'document', (v, id, at) => role(r, v, id, at)),
    roleSwaps: r.map(raw, 'roleSwaps', 'document', (v, id, at) => roleSwap(r, v, id, at)),
    pairings: r.map(raw, 'pairings', 'document', (v, id, at) => pairing(r, v, id, at)),
    meetings: r.map(raw, 'meetings', 'document', (v, id, at) => meeting(r, v, id, at)),
    // Absent in pods from before it (the ecology commands add it): empty, not a problem.
    outsideRelationships:
      own(raw, 'outsideRelationships') === undefined
        ? emptyIdMap()
        : r.map(raw, 'outsideRelationships', 'document', (v, id, at) =>
            outsideRelationship(r, v, id, at),
          ),
    // Absent before schema 2 (added by `pod/2-formats`): an empty map, not a problem.
    formats:
      own(raw, 'formats') === undefined
        ? emptyIdMap()
        : r.map(raw, 'formats', 'document', (v, id, at) => podFormat(r, v, id, at)),
    // Absent before schema 3 (added by `pod/3-invites`): an empty map, not a problem.
    invites:
      own(raw, 'invites') === undefined
        ? emptyIdMap()
        : r.map(raw, 'invites', 'document', (v, id, at) => inviteRecord(r, v, id, at)),
    // Absent before schema 4 (added by `pod/4-corrections`): an empty map, not a problem.
    corrections:
      own(raw, 'corrections') === undefined
        ? emptyIdMap()
        : r.map(raw, 'corrections', 'document', (v, id, at) => correction(r, v, id, at)),
    // Absent before schema 5 (added by `pod/5-invite-uses`): an empty map, not a problem.
    inviteUses:
      own(raw, 'inviteUses') === undefined
        ? emptyIdMap()
        : r.map(raw, 'inviteUses', 'document', (v, id, at) => inviteUse(r, v, id, at)),
    // Absent before schema 6 (added by `pod/6-key-epochs`): empty maps, not a problem.
    removals:
      own(raw, 'removals') === undefined
        ? emptyIdMap()
        : r.map(raw, 'removals', 'document', (v, id, at) => removal(r, v, id, at)),
    keyEpochs:
      own(raw, 'keyEpochs') === undefined
        ? emptyIdMap()
        : r.map(raw, 'keyEpochs', 'document', (v, id, at) => keyEpoch(r, v, id, at)),
    keyGrants:
      own(raw, 'keyGrants') === undefined
        ? emptyIdMap()
        : r.map(raw, 'keyGrants', 'document', (v, id, at) => keyGrant(r, v, id, at)),
    // Absent before schema 7 (added by `pod/7-signed-members`): an empty map, not a problem.
    memberCerts:
      own(raw, 'memberCerts') === undefined
        ? emptyIdMap()
        : r.map(raw, 'memberCerts', 'document', (v, id, at) => memberCert(r, v, id, at)),
  }
  return { ok: true, view, problems: r.problems, readOnly }
}
