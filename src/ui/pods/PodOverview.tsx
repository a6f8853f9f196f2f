import { useEffect, useState, type FormEvent } from 'react'
import type { JourneyStage, Member, MemberStatus, PodDoc } from '../../schema/podDocument.ts'
import { MEMBER_STATUSES } from '../../schema/podDocument.ts'
import type { KeyState } from '../../domain/keyEpochs.ts'
import { addMember, setMemberStatus, updateMember } from '../../domain/members.ts'
import { membersForDisplay, readPodSize } from '../../domain/podQueries.ts'
import { usePod, usePodCommand } from '../../hooks/usePod.ts'
import { useMemberCommand } from '../../hooks/signedMembers.ts'
import { useCompleteJoin } from '../../hooks/useMesh.ts'
import { useProfile } from '../../hooks/useDeviceData.ts'
import { useNow } from '../../hooks/useNow.ts'
import { SyncPanel } from './SyncPanel.tsx'
import { correctPodDetails, correctionKey, correctionsByItem } from '../../domain/corrections.ts'
import { useMyMemberId } from '../../hooks/useCircle.ts'
import { CorrectionActions, CorrectionHistory } from '../circle/Corrections.tsx'
import { ErrorText } from '../circle/attempt.tsx'
import { PodNotReady, PodOpening } from '../common/PodNotReady.tsx'
import { PracticeNav } from '../circle/PracticeNav.tsx'
import { DisagreementNotice } from '../circle/DisagreementNotice.tsx'
import { InvitePanel } from './InvitePanel.tsx'
import { IgnoredMembership, MemberDevices, RemovedNotice } from './MemberDevices.tsx'
import { useKeyState } from '../../hooks/useMembership.ts'
import { InsightNav } from '../vitality/InsightNav.tsx'
import { RemovePodFromDevice, SavePodCopy } from './PodFileActions.tsx'
import { PodHistory } from './PodHistory.tsx'
import { LeavePod } from './LeavePod.tsx'
import { StageSelect } from '../common/StageSelect.tsx'
import {
  POD_KIND_SHORT,
  STAGE_LABELS,
  STATUS_LABELS,
  formatDate,
  fromDateInput,
  messageOf,
  toDateInput,
} from '../common/labels.ts'

/** A pod's home: what it is for, who is in it, and how its size sits with the pattern. */
export function PodOverview(props: { url: string }) {
  const state = usePod(props.url)
  const profile = useProfile()
  useCompleteJoin(props.url, state)
  const ready = state.status === 'ready'
  const live = ready && state.opening !== true
  useEffect(() => {
    // For `npm run bench`: when a pod first shows (from the cached view or the document), and
    // when the live document has taken over, measured from navigation or from a click.
    if (ready) performance.mark('tend:pod-rendered')
  }, [ready])
  useEffect(() => {
    if (live) performance.mark('tend:pod-live')
  }, [live])
  if (state.status !== 'ready') return <PodNotReady state={state} />
  return <ReadyPod url={props.url} state={state} myName={profile?.displayName ?? 'A member'} />
}

function ReadyPod(props: {
  url: string
  state: Extract<ReturnType<typeof usePod>, { status: 'ready' }>
  myName: string
}) {
  const { view, problems, disagreements } = props.state
  // Read-only for a newer version's pod, or on a device removed from it (usePod decides).
  const { readOnly } = props.state
  const keyState = useKeyState(props.url, view)
  return (
    <>
      <RemovedNotice url={props.url} />
      <section aria-labelledby="pod-heading">
        <p className="muted">{POD_KIND_SHORT[view.pod.kind]}</p>
        <h1 id="pod-heading">{view.pod.name}</h1>
        {view.pod.purpose !== '' && <p className="purpose">{view.pod.purpose}</p>}
        {props.state.opening === true && <PodOpening />}
        <PodDetails url={props.url} view={view} readOnly={readOnly} />
        {props.state.readOnlyReason === 'newer-version' && (
          <p className="banner" role="status">
            This pod was saved by a newer version of Tend, so this device shows it read-only. Update
            Tend to make changes.
          </p>
        )}
        {problems.length > 0 && !readOnly && (
          <details className="repairs">
            <summary>
              Some of this pod's data was repaired when it opened ({problems.length})
            </summary>
            <ul>
              {problems.slice(0, 20).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </details>
        )}
      </section>
      <SyncPanel url={props.url} view={view} />
      <DisagreementNotice url={props.url} view={view} disagreements={disagreements} />
      <PracticeNav url={props.url} view={view} readOnly={readOnly} />
      <SizeGuidance view={view} />
      <InsightNav url={props.url} />
      <Members url={props.url} view={view} readOnly={readOnly} keyState={keyState} />
      <IgnoredMembership keyState={keyState} />
      {!readOnly && <InvitePanel url={props.url} view={view} myName={props.myName} />}
      {!readOnly && <AddMemberForm url={props.url} />}
      <SavePodCopy url={props.url} podName={view.pod.name} canLink={!readOnly} />
      <PodHistory url={props.url} view={view} readOnly={readOnly} />
      {!readOnly && <LeavePod url={props.url} view={view} />}
      <RemovePodFromDevice url={props.url} podName={view.pod.name} />
    </>
  )
}

/**
 * The pod's name and purpose as corrected (who changed them, when, from what), and a form for
 * any active member to correct them; each change is recorded, never overwritten silently.
 */
function PodDetails(props: { url: string; view: PodDoc; readOnly: boolean }) {
  const { view } = props
  const me = useMyMemberId(props.url, view)
  const run = usePodCommand(props.url)
  const [editing, setEditing] = useState<{ name: string; purpose: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const corrections = correctionsByItem(view).get(correctionKey('pod', null, null)) ?? []
  const byField = (field: 'name' | 'purpose') => corrections.filter((c) => c.field === field)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (editing === null || me === null) return
    setError(null)
    try {
      await run((doc, ctx) => correctPodDetails(doc, { ...editing, by: me }, ctx))
      setEditing(null)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div className="pod-details">
      {corrections.length > 0 && (
        <div className="muted" data-testid="pod-corrections">
          {byField('name').length > 0 && (
            <CorrectionHistory view={view} corrections={byField('name')} what="Name corrected" />
          )}
          {byField('purpose').length > 0 && (
            <CorrectionHistory
              view={view}
              corrections={byField('purpose')}
              what="Purpose corrected"
              show={(value) => (value === null || value === '' ? 'no purpose' : value)}
            />
          )}
        </div>
      )}
      {editing === null ? (
        !props.readOnly &&
        me !== null && (
          <button
            type="button"
            onClick={() => setEditing({ name: view.pod.name, purpose: view.pod.purpose })}
          >
            Edit the pod’s name and purpose
          </button>
        )
      ) : (
        <form
          onSubmit={(e) => void submit(e)}
          noValidate
          aria-label="Correct the pod’s name and purpose"
          className="card"
        >
          <label htmlFor="pod-name-edit">Pod name</label>
          <input
            id="pod-name-edit"
            value={editing.name}
            onChange={(e) => setEditing({ ...editing, name: e.target.value })}
          />
          <label htmlFor="pod-purpose-edit">Pod purpose</label>
          <textarea
            id="pod-purpose-edit"
            rows={2}
            value={editing.purpose}
            onChange={(e) => setEditing({ ...editing, purpose: e.target.value })}
          />
          <ErrorText error={error} />
          <CorrectionActions
            onCancel={() => {
              setEditing(null)
              setError(null)
            }}
          />
        </form>
      )}
    </div>
  )
}

function SizeGuidance(props: { view: PodDoc }) {
  const size = readPodSize(props.view)
  return (
    <p className={`size-guidance size-${size.fit}`} data-testid="size-guidance">
      {size.message}
    </p>
  )
}

function Members(props: {
  url: string
  view: PodDoc
  readOnly: boolean
  keyState: KeyState | null
}) {
  const members = membersForDisplay(props.view)
  const [editing, setEditing] = useState<string | null>(null)
  const me = useMyMemberId(props.url, props.view)
  const now = useNow(60_000, props.view)
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <ul className="member-list">
        {members.map((member) =>
          editing === member.id ? (
            <li key={member.id} className="card">
              <EditMemberForm url={props.url} member={member} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={member.id} className={`member member-${member.status}`} data-testid="member">
              <div>
                <span className="member-name">{member.name}</span>
                <span className="muted">
                  {STAGE_LABELS[member.stage]} · joined {formatDate(member.joinedAt)}
                  {member.status !== 'active' && ` · ${STATUS_LABELS[member.status]}`}
                  {Object.keys(member.devices).length > 1 &&
                    ` · ${Object.keys(member.devices).length} devices`}
                  {member.awayUntil !== null &&
                    member.awayUntil > now &&
                    member.status === 'active' &&
                    ` · away until ${formatDate(member.awayUntil)}`}
                </span>
                <MemberDevices
                  url={props.url}
                  view={props.view}
                  member={member}
                  keyState={props.keyState}
                  myMemberId={me}
                  readOnly={props.readOnly}
                />
              </div>
              {!props.readOnly && (
                <button
                  type="button"
                  onClick={() => setEditing(member.id)}
                  aria-label={`Edit ${member.name}`}
                >
                  Edit
                </button>
              )}
            </li>
          ),
        )}
      </ul>
    </section>
  )
}

function EditMemberForm(props: { url: string; member: Member; onDone: () => void }) {
  const run = useMemberCommand(props.url)
  const [name, setName] = useState(props.member.name)
  const [stage, setStage] = useState<JourneyStage>(props.member.stage)
  const [joined, setJoined] = useState(toDateInput(props.member.joinedAt))
  const [status, setStatus] = useState<MemberStatus>(props.member.status)
  const [away, setAway] = useState(
    props.member.awayUntil === null ? '' : toDateInput(props.member.awayUntil),
  )
  const [error, setError] = useState<string | null>(null)
  const id = props.member.id
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const joinedAt = fromDateInput(joined)
    if (joinedAt === null) return setError('Please give the date they joined.')
    const awayUntil = away === '' ? null : fromDateInput(away)
    if (away !== '' && awayUntil === null) return setError('That “away until” date is not a date.')
    try {
      await run((doc, ctx) => {
        updateMember(doc, id, { name, stage, joinedAt, awayUntil }, ctx)
        setMemberStatus(doc, id, status, ctx)
      })
      props.onDone()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={`Edit ${props.member.name}`}>
      <label htmlFor={`name-${id}`}>Name</label>
      <input id={`name-${id}`} value={name} onChange={(e) => setName(e.target.value)} />
      <StageSelect name={`stage-${id}`} value={stage} onChange={setStage} legend="Journey stage" />
      <label htmlFor={`joined-${id}`}>Joined</label>
      <input
        id={`joined-${id}`}
        type="date"
        value={joined}
        onChange={(e) => setJoined(e.target.value)}
      />
      <label htmlFor={`away-${id}`}>Away until (the rotation skips them until then)</label>
      <input
        id={`away-${id}`}
        type="date"
        value={away}
        onChange={(e) => setAway(e.target.value)}
        aria-describedby={`away-hint-${id}`}
      />
      <p className="muted" id={`away-hint-${id}`}>
        Leave empty when they are not away.{' '}
        {away !== '' && (
          <button type="button" onClick={() => setAway('')}>
            Back now
          </button>
        )}
      </p>
      <fieldset className="choice">
        <legend>Status</legend>
        {MEMBER_STATUSES.map((s) => (
          <label key={s}>
            <input
              type="radio"
              name={`status-${id}`}
              value={s}
              checked={status === s}
              onChange={() => setStatus(s)}
            />
            {STATUS_LABELS[s]}
          </label>
        ))}
      </fieldset>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function AddMemberForm(props: { url: string }) {
  const run = useMemberCommand(props.url)
  const [name, setName] = useState('')
  const [stage, setStage] = useState<JourneyStage>('newer')
  const [joined, setJoined] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    const joinedAt = joined === '' ? undefined : fromDateInput(joined)
    if (joinedAt === null) return setError('That joined date is not a date.')
    try {
      await run((doc, ctx) =>
        addMember(doc, joinedAt === undefined ? { name, stage } : { name, stage, joinedAt }, ctx),
      )
      setName('')
      setJoined('')
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="card" aria-labelledby="add-member-heading">
      <h2 id="add-member-heading">Add a member</h2>
      <p className="muted">
        For someone who is not using Tend yet. Members who join by invite add themselves.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor="member-name">Name</label>
        <input id="member-name" value={name} onChange={(e) => setName(e.target.value)} />
        <StageSelect
          name="new-member-stage"
          value={stage}
          onChange={setStage}
          legend="Journey stage"
        />
        <label htmlFor="member-joined">Joined (leave empty for today)</label>
        <input
          id="member-joined"
          type="date"
          value={joined}
          onChange={(e) => setJoined(e.target.value)}
        />
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Add member
        </button>
      </form>
    </section>
  )
}
