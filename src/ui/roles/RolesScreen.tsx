import { useId, useState, type FormEvent } from 'react'
import type { PodDoc, Role, RoleTerm } from '../../schema/podDocument.ts'
import {
  activeRoles,
  addRole,
  recordRoleSwap,
  renameRole,
  retireRole,
  roleHistory,
  setRoleTerm,
  upcomingHolders,
  type RotationEntry,
} from '../../domain/roleRotation.ts'
import { activeContainers } from '../../domain/containers.ts'
import { occurrences } from '../../domain/rhythm.ts'
import { membersForDisplay } from '../../domain/podQueries.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatDate } from '../common/labels.ts'
import { BackToPod, PodGate, memberName, type OpenPod } from '../circle/PodGate.tsx'
import { ErrorText, useAttempt } from '../circle/attempt.tsx'

export const TERM_LABELS: Record<RoleTerm, string> = {
  meeting: 'Every meeting',
  monthly: 'Monthly',
  quarterly: 'Per quarter',
}
const TERMS: RoleTerm[] = ['meeting', 'monthly', 'quarterly']
const WEEK_MS = 7 * 24 * 60 * 60 * 1000

/**
 * The slots the rotation projects into when fewer meetings are planned: the pod's circle
 * rhythm if it has one, else one a week from today.
 */
export function projectedSlots(view: PodDoc, now: number, count = 3): number[] {
  const circle = activeContainers(view).find((c) => c.kind === 'circle')
  if (circle !== undefined) return occurrences(circle, now, count)
  return Array.from({ length: count }, (_, k) => now + (k + 1) * WEEK_MS)
}

/** The next `count` meetings' role holders, planned meetings first, then projected slots. */
export function nextHolders(view: PodDoc, now: number, count = 3): RotationEntry[] {
  return upcomingHolders(view, { startingAt: now, count, slots: projectedSlots(view, now, count) })
}

/** Rotating roles: the roles, who holds them next, each member's history, manual swaps. */
export function RolesScreen(props: { url: string }) {
  return <PodGate url={props.url}>{(pod) => <RolesBody {...pod} />}</PodGate>
}

function RolesBody(pod: OpenPod) {
  const { url, view, readOnly } = pod
  const now = useNow(30_000)
  const roles = activeRoles(view)
  const upcoming = nextHolders(view, now)
  const retired = Object.values(view.roles).filter((r) => r.retiredAt !== null)
  return (
    <>
      <BackToPod url={url} name={view.pod.name} />
      <h1>Roles</h1>
      <p className="muted">
        Roles rotate so power does not concentrate: whoever served least recently holds a role next,
        and nobody holds one twice before everyone available has held it once.
      </p>
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">The next three circles</h2>
        <UpcomingHolders view={view} entries={upcoming} roles={roles} />
      </section>
      <section aria-labelledby="roles-heading">
        <h2 id="roles-heading">Our roles</h2>
        <ul className="plain">
          {roles.map((role) => (
            <RoleRow key={role.id} url={url} role={role} readOnly={readOnly} />
          ))}
        </ul>
        {retired.length > 0 && (
          <p className="muted">Retired: {retired.map((r) => r.name).join(', ')}.</p>
        )}
        {!readOnly && <AddRoleForm url={url} />}
      </section>
      {!readOnly && <SwapForm pod={pod} entries={upcoming} />}
      <section aria-labelledby="role-history-heading">
        <h2 id="role-history-heading">Who has held what</h2>
        <RoleHistory view={view} />
      </section>
    </>
  )
}

export function UpcomingHolders(props: { view: PodDoc; entries: RotationEntry[]; roles: Role[] }) {
  if (props.entries.length === 0) return <p>No circle is coming up.</p>
  return (
    <ol className="plain upcoming" data-testid="upcoming-holders">
      {props.entries.map((entry) => (
        <li key={`${entry.meetingId ?? 'slot'}-${entry.scheduledFor}`} className="card">
          <h3>
            {formatDate(entry.scheduledFor)}
            {entry.meetingId === null && <span className="muted"> (expected)</span>}
          </h3>
          <dl className="holders">
            {props.roles.map((role) => (
              <div key={role.id}>
                <dt>{role.name}</dt>
                <dd>{memberName(props.view, entry.holders[role.id] ?? null)}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ol>
  )
}

function RoleRow(props: { url: string; role: Role; readOnly: boolean }) {
  const { role } = props
  const { attempt, error } = useAttempt(props.url)
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState(role.name)
  const id = useId()
  const rename = async (event: FormEvent) => {
    event.preventDefault()
    const done = await attempt((doc) => renameRole(doc, role.id, name))
    if (done.ok) setRenaming(false)
  }
  return (
    <li className="role-row" data-testid="role">
      {renaming ? (
        <form onSubmit={(e) => void rename(e)} noValidate aria-label={`Rename ${role.name}`}>
          <label htmlFor={`${id}-name`}>New name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
          <div className="actions">
            <button type="submit" className="primary">
              Save
            </button>
            <button type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <span className="member-name">{role.name}</span>
          <label htmlFor={`${id}-term`} className="inline-label">
            Term of {role.name}
          </label>
          <select
            id={`${id}-term`}
            value={role.term}
            disabled={props.readOnly}
            onChange={(e) =>
              void attempt((doc) => setRoleTerm(doc, role.id, e.target.value as RoleTerm))
            }
          >
            {TERMS.map((t) => (
              <option key={t} value={t}>
                {TERM_LABELS[t]}
              </option>
            ))}
          </select>
          {!props.readOnly && (
            <div className="actions">
              <button
                type="button"
                onClick={() => setRenaming(true)}
                aria-label={`Rename ${role.name}`}
              >
                Rename
              </button>
              <button
                type="button"
                aria-label={`Retire ${role.name}`}
                onClick={() => void attempt((doc, ctx) => retireRole(doc, role.id, ctx))}
              >
                Retire
              </button>
            </div>
          )}
        </>
      )}
      <ErrorText error={error} />
    </li>
  )
}

function AddRoleForm(props: { url: string }) {
  const { attempt, error } = useAttempt(props.url)
  const [name, setName] = useState('')
  const [term, setTerm] = useState<RoleTerm>('meeting')
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const done = await attempt((doc, ctx) => addRole(doc, { name, term }, ctx))
    if (done.ok) setName('')
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-label="Add a role">
      <h3>Add a role</h3>
      <label htmlFor="new-role-name">Role name</label>
      <input id="new-role-name" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="new-role-term">Term</label>
      <select id="new-role-term" value={term} onChange={(e) => setTerm(e.target.value as RoleTerm)}>
        {TERMS.map((t) => (
          <option key={t} value={t}>
            {TERM_LABELS[t]}
          </option>
        ))}
      </select>
      <ErrorText error={error} />
      <button type="submit" className="primary">
        Add role
      </button>
    </form>
  )
}

/** Records a manual swap for a planned meeting; the rotation respects it from then on. */
export function SwapForm(props: { pod: OpenPod; entries: RotationEntry[]; meetingId?: string }) {
  const { view, url } = props.pod
  const { attempt, error } = useAttempt(url)
  const planned = props.entries.filter(
    (e): e is RotationEntry & { meetingId: string } =>
      e.meetingId !== null && (props.meetingId === undefined || e.meetingId === props.meetingId),
  )
  const roles = activeRoles(view)
  const members = membersForDisplay(view).filter((m) => m.status !== 'left')
  const [meetingId, setMeetingId] = useState(planned[0]?.meetingId ?? '')
  const [roleId, setRoleId] = useState(roles[0]?.id ?? '')
  const [toMemberId, setTo] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const id = useId()
  const entry = planned.find((e) => e.meetingId === meetingId) ?? planned[0]
  const from = entry === undefined ? null : (entry.holders[roleId] ?? null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setDone(null)
    if (entry === undefined || from === null || toMemberId === '') return
    const swapped = await attempt((doc, ctx) =>
      recordRoleSwap(
        doc,
        { meetingId: entry.meetingId, roleId, fromMemberId: from, toMemberId },
        ctx,
      ),
    )
    if (swapped.ok) setDone(`${memberName(view, toMemberId)} takes it this time.`)
  }
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Swap a role</h2>
      {planned.length === 0 ? (
        <p>Swaps are recorded for a circle on the calendar; none is planned yet.</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          {props.meetingId === undefined && (
            <>
              <label htmlFor={`${id}-meeting`}>Circle</label>
              <select
                id={`${id}-meeting`}
                value={entry?.meetingId ?? ''}
                onChange={(e) => setMeetingId(e.target.value)}
              >
                {planned.map((e) => (
                  <option key={e.meetingId} value={e.meetingId}>
                    {formatDate(e.scheduledFor)}
                  </option>
                ))}
              </select>
            </>
          )}
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={roleId} onChange={(e) => setRoleId(e.target.value)}>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <p className="muted">Held now by {memberName(view, from)}.</p>
          <label htmlFor={`${id}-to`}>Who takes it</label>
          <select id={`${id}-to`} value={toMemberId} onChange={(e) => setTo(e.target.value)}>
            <option value="">Choose a member</option>
            {members
              .filter((m) => m.id !== from)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </select>
          <ErrorText error={error} />
          {done !== null && <p role="status">{done}</p>}
          <button type="submit" className="primary" disabled={from === null || toMemberId === ''}>
            Record the swap
          </button>
        </form>
      )}
    </section>
  )
}

function RoleHistory(props: { view: PodDoc }) {
  const { view } = props
  const members = membersForDisplay(view).filter((m) => m.status !== 'left')
  return (
    <ul className="plain">
      {members.map((member) => {
        const turns = roleHistory(view, member.id)
        return (
          <li key={member.id} className="role-history" data-testid="role-history">
            <span className="member-name">{member.name}</span>
            {turns.length === 0 ? (
              <span className="muted">has not held a role yet</span>
            ) : (
              <span className="muted">
                {turns
                  .map(
                    (t) =>
                      `${view.roles[t.roleId]?.name ?? 'a role'} on ${formatDate(t.scheduledFor)}${t.viaSwap ? ' (swapped in)' : ''}`,
                  )
                  .join('; ')}
              </span>
            )}
          </li>
        )
      })}
    </ul>
  )
}
