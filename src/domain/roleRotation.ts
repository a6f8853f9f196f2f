import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { emptyIdMap, ownEntry } from '../schema/idMap.ts'
import type { Meeting, Member, PodDoc, Role, RoleSwap, RoleTerm } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'

/**
 * The role rotation (pattern.md, Section 5: "create roles that rotate so power does not
 * concentrate"), derived every time from the meetings — never kept as a counter, so meetings
 * recorded offline on two devices merge into one history and every device computes the same
 * rotation from it.
 *
 * The rules, in the order they apply to one meeting:
 *
 * 1. **Which meetings count.** Meetings that are `held` or `planned`, ordered by
 *    `scheduledFor`, ties by id (never by the order they were inserted). A held meeting counts
 *    with the holders it recorded; a planned meeting before the one asked about counts with its
 *    projected holders (it will happen first). Skipped and rescheduled meetings do not count.
 * 2. **Recorded first.** A role's holder in a meeting is, in this order: the latest manual swap
 *    recorded for that meeting and role (latest `at`, ties by id — so a swap wins over a
 *    concurrent `roleHolders` write), the meeting's `roleHolders` entry, for a monthly or
 *    quarterly role the holder of the term (below), and only then the rotation.
 * 3. **Available.** A member can be chosen for a meeting when they are `active`, joined on or
 *    before it, are not away (`awayUntil` after the meeting), and are not marked absent or
 *    excused for it. Skipped members keep their place: they have not served, so they come first
 *    again once they are back.
 * 4. **Newcomers do not facilitate.** A role whose name contains "facilitat" (Facilitator,
 *    Co-facilitator, Facilitation) is not given to a newcomer: a member who was not present (or
 *    held a role) at any held meeting before this one. When every available member is a
 *    newcomer — the pod's very first circle — the rule steps aside.
 * 5. **Fairness within a role (hard).** Among the candidates, those who have never held the
 *    role come first; only when every candidate has held it does anyone hold it again, and then
 *    the least recently served goes first. So nobody holds a role twice before every available
 *    member held it once.
 * 6. **One role each (soft).** Within what rule 5 allows, the roles of one meeting go to as many
 *    different members as possible, and when someone must hold two, the extra roles are spread
 *    (two members with two roles each, rather than one with three): a member holds two only
 *    when the fair candidates are already busy.
 * 7. **Tie-breaks.** Roles are filled in their `order` (ties by id); candidates are preferred
 *    never-served first, then least recently served, then earlier `joinedAt`, then id. Among
 *    the assignments that double members up least, the one that gives each role, in order, its
 *    most preferred candidate wins.
 *
 * **Terms.** A `monthly` or `quarterly` role keeps its holder for every meeting in the same
 * calendar month or quarter, counted in UTC: the member who held it at the first counted meeting
 * of the period holds it at the later ones while they are available; when they are not, the
 * rotation picks a stand-in for that meeting only.
 */

/** Orders meetings by when they are scheduled, ties by id: the same on every device. */
export function compareMeetings(
  a: Pick<Meeting, 'id' | 'scheduledFor'>,
  b: Pick<Meeting, 'id' | 'scheduledFor'>,
): number {
  return a.scheduledFor - b.scheduledFor || compareIds(a.id, b.id)
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Whether the rotation treats a role as facilitation (rule 4): its name contains "facilitat". */
export function isFacilitatorRole(role: Pick<Role, 'name'>): boolean {
  return /facilitat/i.test(role.name)
}

/** The roles that rotate now (not retired), in their display order. */
export function activeRoles(doc: Pick<PodDoc, 'roles'>): Role[] {
  return Object.values(doc.roles)
    .filter((r) => r.retiredAt === null)
    .sort((a, b) => compareIds(a.order, b.order) || compareIds(a.id, b.id))
}

/**
 * The calendar period a role's term spans at time `t` (UTC), or null for a role that changes
 * hands every meeting.
 */
export function termPeriod(term: RoleTerm, t: number): string | null {
  if (term === 'meeting') return null
  const date = new Date(t)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth()
  return term === 'monthly' ? `${year}-M${month}` : `${year}-Q${Math.floor(month / 3)}`
}

type SwapIndex = Map<string, RoleSwap>

function swapKey(meetingId: string, roleId: string): string {
  return `${meetingId}\u0000${roleId}`
}

function indexSwaps(doc: Pick<PodDoc, 'roleSwaps'>): SwapIndex {
  const index: SwapIndex = new Map()
  for (const swap of Object.values(doc.roleSwaps)) {
    const key = swapKey(swap.meetingId, swap.roleId)
    const known = index.get(key)
    if (known === undefined || swap.at > known.at || (swap.at === known.at && swap.id > known.id)) {
      index.set(key, swap)
    }
  }
  return index
}

/** The holder a meeting recorded for a role: its latest swap, else its `roleHolders` entry. */
function recordedHolder(meeting: Meeting, roleId: string, swaps: SwapIndex): string | null {
  const swap = swaps.get(swapKey(meeting.id, roleId))
  if (swap !== undefined) return swap.toMemberId
  return ownEntry(meeting.roleHolders, roleId) ?? null
}

function recordedRoleIds(meeting: Meeting, swaps: SwapIndex, roleIds: Iterable<string>): string[] {
  const ids = new Set(Object.keys(meeting.roleHolders))
  for (const roleId of roleIds) {
    if (swaps.has(swapKey(meeting.id, roleId))) ids.add(roleId)
  }
  return [...ids]
}

/** Where a holder came from, for screens that explain the rotation and for tests. */
export type HolderSource = 'swap' | 'recorded' | 'term' | 'rotation' | 'none'

/** One meeting's holders as the rotation sees them. */
export interface RotationEntry {
  /** Null for a hypothetical future slot. */
  meetingId: string | null
  scheduledFor: number
  /** Role id → member id (null when nobody is available), for every role that rotates now. */
  holders: Record<string, string | null>
  sources: Record<string, HolderSource>
}

interface Entry {
  meeting: Meeting | null
  scheduledFor: number
}

interface RotationState {
  /** Role id → member id → index of the last entry they served it at. */
  lastServed: Map<string, Map<string, number>>
  /** Members present (or holding a role) at a held meeting so far. */
  attended: Set<string>
  /** `${roleId}|${period}` → the member who holds the term. */
  termHolders: Map<string, string>
}

function isAvailable(member: Member, entry: Entry): boolean {
  const t = entry.scheduledFor
  if (member.status !== 'active' || member.joinedAt > t) return false
  if (member.awayUntil !== null && member.awayUntil > t) return false
  const attendance =
    entry.meeting === null ? undefined : ownEntry(entry.meeting.attendance, member.id)
  return attendance !== 'absent' && attendance !== 'excused'
}

/** Kuhn's augmenting-path matching: how many roles can get distinct members from `free`. */
function maxMatching(pools: readonly (readonly string[])[], free: ReadonlySet<string>): number {
  const owner = new Map<string, number>()
  const tryRole = (role: number, seen: Set<string>): boolean => {
    for (const member of pools[role] ?? []) {
      if (!free.has(member) || seen.has(member)) continue
      seen.add(member)
      const current = owner.get(member)
      if (current === undefined || tryRole(current, seen)) {
        owner.set(member, role)
        return true
      }
    }
    return false
  }
  let matched = 0
  for (let role = 0; role < pools.length; role++) if (tryRole(role, new Set())) matched++
  return matched
}

/** A bound on the search, so a pod with very many roles still gets an answer at once. */
const SEARCH_BUDGET = 20_000

/**
 * Rules 6 and 7: gives each role one member of its pool (already in preference order). The cost
 * of an assignment is how much members double up — a member holding k roles costs k(k-1)/2, so
 * two roles each for two members beats three for one — and among the cheapest, the one that
 * gives each role, in order, its most preferred member wins (a depth-first search in preference
 * order that only accepts strictly cheaper assignments). The bound it prunes with — open roles
 * that cannot get a member with no role yet (a maximum matching) — never overestimates.
 */
function assignPools(
  pools: readonly (readonly string[])[],
  fixedLoads: ReadonlyMap<string, number>,
): string[] {
  const loads = new Map(fixedLoads)
  const chosen: string[] = pools.map(() => '')
  let best: { cost: number; chosen: string[] } | null = null
  let budget = SEARCH_BUDGET
  const floor = (from: number): number => {
    const rest = pools.slice(from)
    const idle = new Set(rest.flat().filter((m) => (loads.get(m) ?? 0) === 0))
    return rest.filter((p) => p.length > 0).length - maxMatching(rest, idle)
  }
  const search = (i: number, cost: number): void => {
    if (best !== null && (budget-- <= 0 || cost + floor(i) >= best.cost)) return
    if (i === pools.length) {
      best = { cost, chosen: [...chosen] }
      return
    }
    const pool = pools[i] ?? []
    if (pool.length === 0) {
      chosen[i] = ''
      search(i + 1, cost)
      return
    }
    for (const member of pool) {
      const load = loads.get(member) ?? 0
      loads.set(member, load + 1)
      chosen[i] = member
      search(i + 1, cost + load)
      loads.set(member, load)
    }
  }
  search(0, 0)
  return (best as { chosen: string[] } | null)?.chosen ?? chosen
}

function computeEntry(
  doc: PodDoc,
  entry: Entry,
  roles: readonly Role[],
  state: RotationState,
  swaps: SwapIndex,
): RotationEntry {
  const holders = emptyIdMap<string | null>()
  const sources = emptyIdMap<HolderSource>()
  const members = Object.values(doc.members).sort(
    (a, b) => a.joinedAt - b.joinedAt || compareIds(a.id, b.id),
  )
  const available = members.filter((m) => isAvailable(m, entry))
  const busy = new Map<string, number>()
  const occupy = (memberId: string) => busy.set(memberId, (busy.get(memberId) ?? 0) + 1)
  const open: Role[] = []
  for (const role of roles) {
    const recorded = entry.meeting === null ? null : recordedHolder(entry.meeting, role.id, swaps)
    if (recorded !== null) {
      holders[role.id] = recorded
      sources[role.id] =
        entry.meeting !== null && swaps.has(swapKey(entry.meeting.id, role.id))
          ? 'swap'
          : 'recorded'
      occupy(recorded)
      continue
    }
    const period = termPeriod(role.term, entry.scheduledFor)
    const termHolder = period === null ? undefined : state.termHolders.get(`${role.id}|${period}`)
    if (termHolder !== undefined && available.some((m) => m.id === termHolder)) {
      holders[role.id] = termHolder
      sources[role.id] = 'term'
      occupy(termHolder)
      continue
    }
    open.push(role)
  }
  const pools = open.map((role) => {
    let candidates = available
    if (isFacilitatorRole(role)) {
      const seasoned = candidates.filter((m) => state.attended.has(m.id))
      if (seasoned.length > 0) candidates = seasoned
    }
    const served = state.lastServed.get(role.id) ?? new Map<string, number>()
    const fresh = candidates.filter((m) => !served.has(m.id))
    if (fresh.length > 0) return fresh.map((m) => m.id)
    return candidates
      .map((m, rank) => ({ id: m.id, last: served.get(m.id) ?? -1, rank }))
      .sort((a, b) => a.last - b.last || a.rank - b.rank)
      .map((c) => c.id)
  })
  // Only the first `roles.length + 1` of a pool can win: among them at least one member holds
  // no other role (fewer roles than that exist), and taking them instead of anyone later costs
  // no more and is preferred. Cutting the pools keeps the search linear in the pod's members.
  const chosen = assignPools(
    pools.map((pool) => pool.slice(0, roles.length + 1)),
    busy,
  )
  open.forEach((role, i) => {
    const member = chosen[i]
    holders[role.id] = member === undefined || member === '' ? null : member
    sources[role.id] = holders[role.id] === null ? 'none' : 'rotation'
  })
  return {
    meetingId: entry.meeting?.id ?? null,
    scheduledFor: entry.scheduledFor,
    holders,
    sources,
  }
}

/** Folds one entry into the state: what counts as served, who has attended, term holders. */
function record(
  doc: PodDoc,
  entry: Entry,
  index: number,
  computed: RotationEntry,
  state: RotationState,
  swaps: SwapIndex,
): void {
  const meeting = entry.meeting
  const served: [string, string][] = []
  if (meeting !== null && meeting.status === 'held') {
    for (const roleId of recordedRoleIds(meeting, swaps, Object.keys(doc.roles))) {
      const holder = recordedHolder(meeting, roleId, swaps)
      if (holder !== null) served.push([roleId, holder])
    }
    for (const [memberId, attendance] of Object.entries(meeting.attendance)) {
      if (attendance === 'present') state.attended.add(memberId)
    }
    for (const [, holder] of served) state.attended.add(holder)
  } else {
    for (const [roleId, holder] of Object.entries(computed.holders)) {
      if (holder !== null) served.push([roleId, holder])
    }
  }
  for (const [roleId, holder] of served) {
    let byMember = state.lastServed.get(roleId)
    if (byMember === undefined) {
      byMember = new Map()
      state.lastServed.set(roleId, byMember)
    }
    byMember.set(holder, index)
    const role = ownEntry(doc.roles, roleId)
    const period = role === undefined ? null : termPeriod(role.term, entry.scheduledFor)
    const key = `${roleId}|${period}`
    if (period !== null && !state.termHolders.has(key)) state.termHolders.set(key, holder)
  }
}

/** Runs the rotation over entries already in meeting order; one result per entry. */
function runRotation(doc: PodDoc, entries: readonly Entry[]): RotationEntry[] {
  const roles = activeRoles(doc)
  const swaps = indexSwaps(doc)
  const state: RotationState = {
    lastServed: new Map(),
    attended: new Set(),
    termHolders: new Map(),
  }
  return entries.map((entry, index) => {
    const computed = computeEntry(doc, entry, roles, state, swaps)
    record(doc, entry, index, computed, state, swaps)
    return computed
  })
}

/** The meetings the rotation counts (rule 1), in meeting order. */
function countedMeetings(doc: Pick<PodDoc, 'meetings'>): Meeting[] {
  return Object.values(doc.meetings)
    .filter((m) => m.status === 'held' || m.status === 'planned')
    .sort(compareMeetings)
}

/** A meeting of the pod, or a hypothetical one at a time (for projecting past the calendar). */
export type RotationTarget = { meetingId: string } | { scheduledFor: number }

/**
 * One meeting's role holders with where each came from (swap, recorded, term, rotation). For a
 * hypothetical time, the slot comes after every meeting scheduled at or before it.
 */
export function rotationDetail(doc: PodDoc, target: RotationTarget): RotationEntry {
  const counted = countedMeetings(doc)
  let entries: Entry[]
  if ('meetingId' in target) {
    const meeting = ownEntry(doc.meetings, target.meetingId)
    if (meeting === undefined) throw new DomainError('That meeting is not in this pod.')
    entries = counted
      .filter((m) => m.id !== meeting.id && compareMeetings(m, meeting) < 0)
      .map((m) => ({ meeting: m, scheduledFor: m.scheduledFor }))
    entries.push({ meeting, scheduledFor: meeting.scheduledFor })
  } else {
    entries = counted
      .filter((m) => m.scheduledFor <= target.scheduledFor)
      .map((m) => ({ meeting: m, scheduledFor: m.scheduledFor }))
    entries.push({ meeting: null, scheduledFor: target.scheduledFor })
  }
  const results = runRotation(doc, entries)
  return results[results.length - 1] as RotationEntry
}

/** Role id → member id (or null when nobody is available) for a meeting or a future time. */
export function rotationFor(doc: PodDoc, target: RotationTarget): Record<string, string | null> {
  return rotationDetail(doc, target).holders
}

export interface UpcomingHoldersInput {
  /** Epoch ms; planned meetings at or after it are shown. */
  startingAt: number
  /** How many meetings to show; 3 by default. */
  count?: number
  /**
   * Future times of the pod's rhythm (e.g. from its containers), used as hypothetical meetings
   * when fewer planned meetings exist than `count`. Only slots after the last planned meeting
   * shown, and not at the time of an existing meeting, are used.
   */
  slots?: readonly number[]
}

/**
 * The holders of the next planned meetings (three by default), projected one after another, so
 * the second meeting's holders account for the first's. Where the calendar has fewer planned
 * meetings, `slots` stand in for the meetings the rhythm will bring.
 */
export function upcomingHolders(doc: PodDoc, input: UpcomingHoldersInput): RotationEntry[] {
  const count = input.count ?? 3
  if (count <= 0) return []
  const counted = countedMeetings(doc)
  const planned = counted
    .filter((m) => m.status === 'planned' && m.scheduledFor >= input.startingAt)
    .slice(0, count)
  const after = planned.length > 0 ? (planned[planned.length - 1] as Meeting).scheduledFor : -1
  const taken = new Set(Object.values(doc.meetings).map((m) => m.scheduledFor))
  const slots = [...new Set(input.slots ?? [])]
    .filter((t) => t >= input.startingAt && t > after && !taken.has(t))
    .sort((a, b) => a - b)
    .slice(0, count - planned.length)
  const entries: Entry[] = counted.map((m) => ({ meeting: m, scheduledFor: m.scheduledFor }))
  for (const t of slots) entries.push({ meeting: null, scheduledFor: t })
  entries.sort(
    (a, b) =>
      a.scheduledFor - b.scheduledFor || compareIds(a.meeting?.id ?? '', b.meeting?.id ?? ''),
  )
  const shown = new Set(planned.map((m) => m.id))
  return runRotation(doc, entries).filter((r) => r.meetingId === null || shown.has(r.meetingId))
}

/** One role a member held at a held meeting. */
export interface RoleTurn {
  meetingId: string
  scheduledFor: number
  roleId: string
  memberId: string
  /** True when the member took the role over by a manual swap. */
  viaSwap: boolean
}

function heldTurns(doc: PodDoc): RoleTurn[] {
  const swaps = indexSwaps(doc)
  const turns: RoleTurn[] = []
  const roleIds = Object.keys(doc.roles)
  const roleOrder = (id: string) => ownEntry(doc.roles, id)?.order ?? id
  for (const meeting of countedMeetings(doc)) {
    if (meeting.status !== 'held') continue
    const ids = recordedRoleIds(meeting, swaps, roleIds).sort(
      (a, b) => compareIds(roleOrder(a), roleOrder(b)) || compareIds(a, b),
    )
    for (const roleId of ids) {
      const memberId = recordedHolder(meeting, roleId, swaps)
      if (memberId === null) continue
      turns.push({
        meetingId: meeting.id,
        scheduledFor: meeting.scheduledFor,
        roleId,
        memberId,
        viaSwap: swaps.has(swapKey(meeting.id, roleId)),
      })
    }
  }
  return turns
}

/** The roles a member has held, meeting by meeting, oldest first (retired roles included). */
export function roleHistory(doc: PodDoc, memberId: string): RoleTurn[] {
  return heldTurns(doc).filter((t) => t.memberId === memberId)
}

/** Role id → who held it at each held meeting, oldest first. */
export function roleHistoryByRole(doc: PodDoc): Record<string, RoleTurn[]> {
  const byRole = emptyIdMap<RoleTurn[]>()
  for (const turn of heldTurns(doc)) (byRole[turn.roleId] ??= []).push(turn)
  return byRole
}

export interface RoleSwapInput {
  meetingId: string
  roleId: string
  fromMemberId: string
  toMemberId: string
}

/**
 * Records a manual swap: `toMemberId` holds the role at that meeting instead of
 * `fromMemberId`, who must be its current holder. The swap is kept as its own record (so a
 * concurrent write of the meeting's holders cannot undo it) and the meeting's holder is set too.
 * The member swapped out has not served, so the rotation offers them the role again soon.
 */
export function recordRoleSwap(doc: PodDoc, input: RoleSwapInput, ctx: CommandContext): string {
  const meeting = ownEntry(doc.meetings, input.meetingId)
  if (meeting === undefined) throw new DomainError('That meeting is not in this pod.')
  const role = ownEntry(doc.roles, input.roleId)
  if (role === undefined) throw new DomainError('That role is not in this pod.')
  const to = ownEntry(doc.members, input.toMemberId)
  if (to === undefined || to.status === 'left') {
    throw new DomainError('Only a member of the pod can take a role.')
  }
  if (input.fromMemberId === input.toMemberId)
    throw new DomainError('That member already holds it.')
  const current = rotationFor(doc, { meetingId: meeting.id })[role.id] ?? null
  if (current !== input.fromMemberId) {
    throw new DomainError('That member does not hold this role at this meeting.')
  }
  requireRoom(Object.keys(doc.roleSwaps).length, LIMITS.roleSwaps, 'role swaps')
  const id = ctx.newId()
  doc.roleSwaps[id] = {
    id,
    meetingId: meeting.id,
    roleId: role.id,
    fromMemberId: input.fromMemberId,
    toMemberId: input.toMemberId,
    at: ctx.now,
  }
  meeting.roleHolders[role.id] = input.toMemberId
  return id
}

function requireRole(doc: PodDoc, roleId: string): Role {
  const role = ownEntry(doc.roles, roleId)
  if (role === undefined) throw new DomainError('That role is not in this pod.')
  return role
}

/**
 * Adds a role at the end of the pod's roles; returns its id. The order key sorts after every
 * existing key, so concurrent additions on two devices both land at the end (ties by id).
 */
export function addRole(
  doc: PodDoc,
  input: { name: string; term?: RoleTerm },
  ctx: CommandContext,
): string {
  const name = requireText(input.name, 'The role name', TEXT_LIMITS.roleName)
  const last = Object.values(doc.roles)
    .map((r) => r.order)
    .sort(compareIds)
    .pop()
  requireRoom(Object.keys(doc.roles).length, LIMITS.roles, 'roles')
  const id = ctx.newId()
  doc.roles[id] = {
    id,
    name,
    term: input.term ?? 'meeting',
    order: last === undefined ? 'a0' : `${last}0`,
    retiredAt: null,
  }
  return id
}

/** Renames a role; its history stays with it (history is kept by role id). */
export function renameRole(doc: PodDoc, roleId: string, name: string): void {
  const role = requireRole(doc, roleId)
  const text = requireText(name, 'The role name', TEXT_LIMITS.roleName)
  if (role.name !== text) role.name = text
}

/** Retires a role: it no longer rotates; who held it stays in the history. */
export function retireRole(doc: PodDoc, roleId: string, ctx: CommandContext): void {
  const role = requireRole(doc, roleId)
  if (role.retiredAt === null) role.retiredAt = ctx.now
}

/** Sets how long a holder keeps a role: one meeting, a calendar month or a quarter (UTC). */
export function setRoleTerm(doc: PodDoc, roleId: string, term: RoleTerm): void {
  const role = requireRole(doc, roleId)
  if (role.term !== term) role.term = term
}
