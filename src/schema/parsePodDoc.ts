import type {
  ActionItem,
  Attendance,
  CheckIn,
  ConsentRecord,
  ConsentRound,
  Container,
  Insight,
  Meeting,
  Member,
  MemberDevice,
  Norm,
  OutsideRelationship,
  Pairing,
  PodDoc,
  PodFacts,
  PodFormat,
  PodFormatStep,
  InviteRecord,
  Role,
  RoleSwap,
} from './podDocument.ts'
import { JOURNEY_STAGES, MEMBER_STATUSES, POD_KINDS } from './podDocument.ts'
import { CURRENT_SCHEMA_VERSION } from './version.ts'

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

class Reader {
  readonly problems: string[] = []
  report(where: string, what: string): void {
    this.problems.push(`${where}: ${what}`)
  }
  obj(v: unknown): v is Obj {
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  }
  str(o: Obj, key: string, where: string, fallback: string): string {
    const v = o[key]
    if (typeof v === 'string') return v
    this.report(where, v === undefined ? `${key} was missing` : `${key} was not text`)
    return fallback
  }
  strOrNull(o: Obj, key: string, where: string): string | null {
    const v = o[key]
    if (typeof v === 'string') return v
    if (v !== undefined && v !== null) this.report(where, `${key} was not text`)
    return null
  }
  num(o: Obj, key: string, where: string, fallback: number): number {
    const v = o[key]
    if (typeof v === 'number' && Number.isFinite(v)) return v
    this.report(where, v === undefined ? `${key} was missing` : `${key} was not a number`)
    return fallback
  }
  numOrNull(o: Obj, key: string, where: string): number | null {
    const v = o[key]
    if (typeof v === 'number' && Number.isFinite(v)) return v
    if (v !== undefined && v !== null) this.report(where, `${key} was not a number`)
    return null
  }
  oneOf<T extends string>(
    o: Obj,
    key: string,
    where: string,
    allowed: readonly T[],
    fallback: T,
  ): T {
    const v = o[key]
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T
    this.report(where, `${key} "${String(v)}" is not one of ${allowed.join(', ')}`)
    return fallback
  }
  strings(o: Obj, key: string, where: string): string[] {
    const v = o[key]
    if (!Array.isArray(v)) {
      if (v !== undefined) this.report(where, `${key} was not a list`)
      return []
    }
    return v.filter((x): x is string => typeof x === 'string')
  }
  /** Reads a map keyed by id; entries that cannot be repaired are left out and reported. */
  map<T>(
    o: Obj,
    key: string,
    where: string,
    entry: (value: Obj, id: string, where: string) => T | null,
  ): Record<string, T> {
    const v = o[key]
    const out: Record<string, T> = {}
    if (!this.obj(v)) {
      if (v !== undefined) this.report(where, `${key} was not a map`)
      return out
    }
    for (const [id, value] of Object.entries(v)) {
      const at = `${where}.${key}.${id}`
      if (!this.obj(value)) {
        this.report(at, 'left out: not an object')
        continue
      }
      const parsed = entry(value, id, at)
      if (parsed !== null) out[id] = parsed
    }
    return out
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

function device(r: Reader, o: Obj, id: string, at: string): MemberDevice | null {
  const publicKey = r.str(o, 'publicKey', at, '')
  if (publicKey === '') return null
  return {
    id,
    publicKey,
    label: r.str(o, 'label', at, 'device'),
    addedAt: r.num(o, 'addedAt', at, 0),
  }
}

function member(r: Reader, o: Obj, id: string, at: string): Member | null {
  return {
    id,
    name: r.str(o, 'name', at, 'Unnamed member'),
    stage: r.oneOf(o, 'stage', at, JOURNEY_STAGES, 'newer'),
    joinedAt: r.num(o, 'joinedAt', at, 0),
    status: r.oneOf(o, 'status', at, MEMBER_STATUSES, 'active'),
    awayUntil: r.numOrNull(o, 'awayUntil', at),
    devices: r.map(o, 'devices', at, (v, did, w) => device(r, v, did, w)),
    createdAt: r.num(o, 'createdAt', at, 0),
    updatedAt: r.num(o, 'updatedAt', at, 0),
  }
}

function container(r: Reader, o: Obj, id: string, at: string): Container | null {
  return {
    id,
    kind: r.oneOf(o, 'kind', at, CONTAINER_KINDS, 'circle'),
    name: r.str(o, 'name', at, 'Circle'),
    cadence: r.oneOf(o, 'cadence', at, CADENCES, 'weekly'),
    weekday: Math.min(6, Math.max(0, Math.trunc(r.num(o, 'weekday', at, 1)))),
    time: r.str(o, 'time', at, '18:00'),
    durationMinutes: r.num(o, 'durationMinutes', at, 60),
    timeZone: r.str(o, 'timeZone', at, 'UTC'),
    minutesPerMentee: r.numOrNull(o, 'minutesPerMentee', at),
    startsAt: r.num(o, 'startsAt', at, 0),
    retiredAt: r.numOrNull(o, 'retiredAt', at),
  }
}

function consentRecord(r: Reader, o: Obj, _id: string, at: string): ConsentRecord | null {
  return {
    response: r.oneOf(o, 'response', at, CONSENT_RESPONSES, 'stand-aside'),
    reason: r.strOrNull(o, 'reason', at),
    at: r.num(o, 'at', at, 0),
  }
}

function consentRound(r: Reader, o: Obj, id: string, at: string): ConsentRound | null {
  return {
    id,
    openedAt: r.num(o, 'openedAt', at, 0),
    closedAt: r.numOrNull(o, 'closedAt', at),
    responses: r.map(o, 'responses', at, (v, mid, w) => consentRecord(r, v, mid, w)),
  }
}

function norm(r: Reader, o: Obj, id: string, at: string): Norm | null {
  const text = r.str(o, 'text', at, '')
  if (text === '') return null
  return {
    id,
    text,
    reason: r.strOrNull(o, 'reason', at),
    status: r.oneOf(o, 'status', at, NORM_STATUSES, 'proposed'),
    proposedBy: r.str(o, 'proposedBy', at, ''),
    proposedAt: r.num(o, 'proposedAt', at, 0),
    revises: r.strOrNull(o, 'revises', at),
    rounds: r.map(o, 'rounds', at, (v, rid, w) => consentRound(r, v, rid, w)),
    adoptedAt: r.numOrNull(o, 'adoptedAt', at),
    retiredAt: r.numOrNull(o, 'retiredAt', at),
  }
}

function role(r: Reader, o: Obj, id: string, at: string): Role | null {
  return {
    id,
    name: r.str(o, 'name', at, 'Role'),
    term: r.oneOf(o, 'term', at, ROLE_TERMS, 'meeting'),
    order: r.str(o, 'order', at, id),
    retiredAt: r.numOrNull(o, 'retiredAt', at),
  }
}

function roleSwap(r: Reader, o: Obj, id: string, at: string): RoleSwap | null {
  return {
    id,
    meetingId: r.str(o, 'meetingId', at, ''),
    roleId: r.str(o, 'roleId', at, ''),
    fromMemberId: r.str(o, 'fromMemberId', at, ''),
    toMemberId: r.str(o, 'toMemberId', at, ''),
    at: r.num(o, 'at', at, 0),
  }
}

function pairing(r: Reader, o: Obj, id: string, at: string): Pairing | null {
  const mentorId = r.str(o, 'mentorId', at, '')
  const menteeId = r.str(o, 'menteeId', at, '')
  if (mentorId === '' || menteeId === '') return null
  return {
    id,
    mentorId,
    menteeId,
    startedAt: r.num(o, 'startedAt', at, 0),
    endedAt: r.numOrNull(o, 'endedAt', at),
    declinedAt: r.numOrNull(o, 'declinedAt', at),
    declinedBy: r.strOrNull(o, 'declinedBy', at),
  }
}

function meeting(r: Reader, o: Obj, id: string, at: string): Meeting | null {
  const attendance: Record<string, Attendance> = {}
  const rawAttendance = o['attendance']
  if (r.obj(rawAttendance)) {
    for (const [mid, v] of Object.entries(rawAttendance)) {
      if (typeof v === 'string' && (ATTENDANCE as readonly string[]).includes(v)) {
        attendance[mid] = v as Attendance
      } else r.report(`${at}.attendance.${mid}`, 'left out: not present, absent or excused')
    }
  }
  const roleHolders: Record<string, string> = {}
  const rawHolders = o['roleHolders']
  if (r.obj(rawHolders)) {
    for (const [rid, v] of Object.entries(rawHolders)) {
      if (typeof v === 'string') roleHolders[rid] = v
      else r.report(`${at}.roleHolders.${rid}`, 'left out: not a member id')
    }
  }
  return {
    id,
    containerId: r.strOrNull(o, 'containerId', at),
    scheduledFor: r.num(o, 'scheduledFor', at, 0),
    status: r.oneOf(o, 'status', at, MEETING_STATUSES, 'planned'),
    reason: r.strOrNull(o, 'reason', at),
    rescheduledTo: r.numOrNull(o, 'rescheduledTo', at),
    heldAt: r.numOrNull(o, 'heldAt', at),
    attendance,
    roleHolders,
    checkIns: r.map(o, 'checkIns', at, (v, cid, w): CheckIn | null => ({
      id: cid,
      memberId: r.str(v, 'memberId', w, ''),
      text: r.str(v, 'text', w, ''),
      at: r.num(v, 'at', w, 0),
    })),
    insights: r.map(o, 'insights', at, (v, iid, w): Insight | null => ({
      id: iid,
      kind: r.oneOf(v, 'kind', w, INSIGHT_KINDS, 'learning'),
      text: r.str(v, 'text', w, ''),
      tags: r.strings(v, 'tags', w),
      authorId: r.str(v, 'authorId', w, ''),
      ledTo: r.strOrNull(v, 'ledTo', w),
      respondsTo: r.strOrNull(v, 'respondsTo', w),
      at: r.num(v, 'at', w, 0),
    })),
    actions: r.map(o, 'actions', at, (v, aid, w): ActionItem | null => ({
      id: aid,
      text: r.str(v, 'text', w, ''),
      ownerId: r.strOrNull(v, 'ownerId', w),
      doneAt: r.numOrNull(v, 'doneAt', w),
      at: r.num(v, 'at', w, 0),
    })),
    notesUrl: r.strOrNull(o, 'notesUrl', at),
    formatId: r.strOrNull(o, 'formatId', at),
    createdAt: r.num(o, 'createdAt', at, 0),
  }
}

function podFacts(r: Reader, o: Obj): PodFacts | null {
  const id = o['id']
  if (typeof id !== 'string' || id === '') return null
  return {
    id,
    name: r.str(o, 'name', 'pod', 'Unnamed pod'),
    purpose: r.str(o, 'purpose', 'pod', ''),
    kind: r.oneOf(o, 'kind', 'pod', POD_KINDS, 'learning-pod'),
    createdAt: r.num(o, 'createdAt', 'pod', 0),
    createdBy: r.str(o, 'createdBy', 'pod', ''),
    archivedAt: r.numOrNull(o, 'archivedAt', 'pod'),
    pausedAt: r.numOrNull(o, 'pausedAt', 'pod'),
    pausedUntil: r.numOrNull(o, 'pausedUntil', 'pod'),
    pauseReason: r.strOrNull(o, 'pauseReason', 'pod'),
  }
}

function outsideRelationship(
  r: Reader,
  o: Obj,
  id: string,
  at: string,
): OutsideRelationship | null {
  const mentorName = r.str(o, 'mentorName', at, '').trim()
  const menteeName = r.str(o, 'menteeName', at, '').trim()
  if (mentorName === '' || menteeName === '') return null
  return {
    id,
    mentorName,
    menteeName,
    topic: r.strOrNull(o, 'topic', at),
    startedAt: r.num(o, 'startedAt', at, 0),
    endedAt: r.numOrNull(o, 'endedAt', at),
    createdAt: r.num(o, 'createdAt', at, 0),
  }
}

function formatStep(r: Reader, o: Obj, id: string, at: string): PodFormatStep | null {
  const title = r.str(o, 'title', at, '').trim()
  if (title === '') {
    r.report(at, 'left out: a step with no title')
    return null
  }
  const minutes = r.num(o, 'minutes', at, 5)
  const speakerMinutes = r.numOrNull(o, 'speakerMinutes', at)
  return {
    id,
    title,
    minutes: Math.min(240, Math.max(1, Math.round(minutes))),
    roleCue: r.strOrNull(o, 'roleCue', at),
    kind: r.str(o, 'kind', at, 'discussion'),
    speakerMinutes:
      speakerMinutes === null ? null : Math.min(60, Math.max(1, Math.round(speakerMinutes))),
    position: r.num(o, 'position', at, 0),
  }
}

function podFormat(r: Reader, o: Obj, id: string, at: string): PodFormat | null {
  return {
    id,
    name: r.str(o, 'name', at, 'Our format'),
    summary: r.str(o, 'summary', at, ''),
    basedOn: r.strOrNull(o, 'basedOn', at),
    steps: r.map(o, 'steps', at, (v, sid, w) => formatStep(r, v, sid, w)),
    createdAt: r.num(o, 'createdAt', at, 0),
    updatedAt: r.num(o, 'updatedAt', at, 0),
    retiredAt: r.numOrNull(o, 'retiredAt', at),
  }
}

/** An invite record is all-or-nothing: one with a missing field is left out (and refuses). */
function inviteRecord(r: Reader, v: Obj, id: string, at: string): InviteRecord | null {
  const { invitedBy, deviceKey, createdAt, expiresAt, signature } = v
  if (
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
  return { id, invitedBy, deviceKey, createdAt, expiresAt, signature }
}

/**
 * Reads a pod document tolerantly (Excalidraw's `restore` is the model): repairs what it can,
 * leaves out what it cannot and says so, and never throws. Only a value that is not a pod at all
 * (no object, no pod id) fails.
 */
export function parsePodDoc(raw: unknown): PodParse {
  const r = new Reader()
  if (!r.obj(raw)) return { ok: false, problems: ['This is not a pod: it is not an object.'] }
  const facts = r.obj(raw['pod']) ? podFacts(r, raw['pod']) : null
  if (facts === null) return { ok: false, problems: ['This is not a pod: it has no pod id.'] }

  let schemaVersion = r.num(raw, 'schemaVersion', 'document', 1)
  if (schemaVersion < 1) {
    r.report('document', `schemaVersion ${schemaVersion} is not a known version`)
    schemaVersion = 1
  }
  const readOnly = schemaVersion > CURRENT_SCHEMA_VERSION
  if (readOnly) {
    r.report(
      'document',
      `written by a newer Tend (schema ${schemaVersion}, this app knows ${CURRENT_SCHEMA_VERSION}); opened read-only`,
    )
  }
  const migrations: Record<string, number> = {}
  const rawMigrations = raw['migrations']
  if (r.obj(rawMigrations)) {
    for (const [name, to] of Object.entries(rawMigrations)) {
      if (typeof to === 'number') migrations[name] = to
    }
  }

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
    outsideRelationships: r.map(raw, 'outsideRelationships', 'document', (v, id, at) =>
      outsideRelationship(r, v, id, at),
    ),
    // Absent before schema 2 (added by `pod/2-formats`): an empty map, not a problem.
    formats:
      raw['formats'] === undefined
        ? {}
        : r.map(raw, 'formats', 'document', (v, id, at) => podFormat(r, v, id, at)),
    // Absent before schema 3 (added by `pod/3-invites`): an empty map, not a problem.
    invites:
      raw['invites'] === undefined
        ? {}
        : r.map(raw, 'invites', 'document', (v, id, at) => inviteRecord(r, v, id, at)),
  }
  return { ok: true, view, problems: r.problems, readOnly }
}
