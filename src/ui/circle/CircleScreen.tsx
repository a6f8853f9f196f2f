import { useState, type ReactNode } from 'react'
import type { Attendance, Correction, Member, Meeting, PodDoc } from '../../schema/podDocument.ts'
import { meetingFormat } from '../../domain/podFormats.ts'
import { holdMeeting, setAttendance, type AttendanceDisagreement } from '../../domain/meetings.ts'
import {
  correctAttendance,
  correctionKey,
  correctionsByItem,
  settleAttendance,
} from '../../domain/corrections.ts'
import { adoptedNorms } from '../../domain/norms.ts'
import { activeRoles, rotationDetail } from '../../domain/roleRotation.ts'
import { membersForDisplay } from '../../domain/podQueries.ts'
import { useMyMemberId } from '../../hooks/useCircle.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatDate, formatDateTime } from '../common/labels.ts'
import { BackToPod, PodGate, memberName, type OpenPod } from './PodGate.tsx'
import { ErrorText, useAttempt } from './attempt.tsx'
import { CorrectionActions, CorrectionHistory } from './Corrections.tsx'
import { practicePath } from './practicePaths.ts'
import { FormatSteps } from './FormatSteps.tsx'
import { CheckInRound } from './CheckInRound.tsx'
import { NotesPanel } from './NotesEditor.tsx'
import { InsightsPanel } from './InsightsPanel.tsx'
import { ActionsPanel } from './ActionsPanel.tsx'
import { ReachIndicator } from './ReachIndicator.tsx'
import { SwapForm, UpcomingHolders, nextHolders } from '../roles/RolesScreen.tsx'

const ATTENDANCE: { value: Attendance; label: string }[] = [
  { value: 'present', label: 'Present' },
  { value: 'absent', label: 'Absent' },
  { value: 'excused', label: 'Excused' },
]

/**
 * Circle mode: one phone-friendly screen for a live circle — attendance, today's roles, the
 * norms, the format's timed steps, the check-in round, shared notes, insights, actions and the
 * closing. Everything is a small edit to the pod (or the notes document), so it works offline
 * and merges when members' devices meet again.
 */
export function CircleScreen(props: { url: string; meetingId: string }) {
  return (
    <PodGate url={props.url}>
      {(pod) => <CircleBody pod={pod} meetingId={props.meetingId} />}
    </PodGate>
  )
}

function CircleBody(props: { pod: OpenPod; meetingId: string }) {
  const { pod } = props
  const { view, url, readOnly } = pod
  const meeting = view.meetings[props.meetingId]
  const me = useMyMemberId(url, view)
  if (meeting === undefined) {
    return (
      <>
        <BackToPod url={url} name={view.pod.name} />
        <h1>Circle</h1>
        <p>This circle is not on this device yet. It arrives with the next sync.</p>
      </>
    )
  }
  const format = meetingFormat(view, meeting.id)
  const checkInStep = format.steps.find((s) => s.kind === 'check-in')
  const myName = me === null ? null : (view.members[me]?.name ?? null)
  return (
    <div className="circle-mode">
      <BackToPod url={url} name={view.pod.name} />
      <h1>Circle of {formatDate(meeting.scheduledFor)}</h1>
      <ReachIndicator url={url} view={view} />
      {meeting.status === 'held' && (
        <p className="banner" role="status" data-testid="circle-held">
          This circle was held
          {meeting.heldAt !== null && ` (closed ${formatDateTime(meeting.heldAt)})`}.
        </p>
      )}
      <AttendancePanel
        url={url}
        view={view}
        meeting={meeting}
        me={me}
        readOnly={readOnly}
        disagreements={pod.disagreements.filter((d) => d.meetingId === meeting.id)}
      />
      <TodaysRoles pod={pod} meeting={meeting} />
      <NormsPanel url={url} view={view} />
      <FormatSteps
        key={format.id}
        url={url}
        view={view}
        meetingId={meeting.id}
        format={format}
        readOnly={readOnly}
      />
      <CheckInRound
        url={url}
        view={view}
        meeting={meeting}
        me={me}
        speakerMinutes={checkInStep?.speakerMinutes ?? 2}
        readOnly={readOnly}
      />
      <NotesPanel
        url={url}
        meetingId={meeting.id}
        notesUrl={meeting.notesUrl}
        me={me === null || myName === null ? null : { memberId: me, name: myName }}
        readOnly={readOnly}
      />
      <InsightsPanel url={url} view={view} meeting={meeting} me={me} readOnly={readOnly} />
      <ActionsPanel url={url} view={view} meeting={meeting} me={me} readOnly={readOnly} />
      <Closing pod={pod} meeting={meeting} />
    </div>
  )
}

const MARK_LABELS: Record<Attendance, string> = {
  present: 'Present',
  absent: 'Absent',
  excused: 'Excused',
}

/** How a mark reads: "Present", or "Not marked" for none. */
function markLabel(mark: string | null): string {
  return mark !== null && mark in MARK_LABELS ? MARK_LABELS[mark as Attendance] : 'Not marked'
}

/**
 * Who is here. While the circle runs, each member's mark is set directly; once it is held the
 * marks are part of the record, and a change is a correction (who, when, what it was).
 */
function AttendancePanel(props: {
  url: string
  view: PodDoc
  meeting: Meeting
  me: string | null
  readOnly: boolean
  disagreements: readonly AttendanceDisagreement[]
}) {
  const { view, meeting } = props
  const { attempt, error } = useAttempt(props.url)
  const members = membersForDisplay(view).filter((m) => m.status !== 'left')
  const disagreement = (m: Member) => {
    const found = props.disagreements.find((d) => d.memberId === m.id)
    return found === undefined ? null : (
      <Disagreement
        url={props.url}
        meeting={meeting}
        member={m}
        marks={found.marks}
        me={props.me}
        readOnly={props.readOnly}
      />
    )
  }
  if (meeting.status === 'held') {
    const corrections = correctionsByItem(view)
    return (
      <section className="card" aria-labelledby="attendance-heading">
        <h2 id="attendance-heading">Who was here</h2>
        <ul className="plain">
          {members.map((m) => (
            <HeldMark
              key={m.id}
              disagreement={disagreement(m)}
              url={props.url}
              view={view}
              meeting={meeting}
              member={m}
              me={props.me}
              readOnly={props.readOnly}
              corrections={corrections.get(correctionKey('attendance', meeting.id, m.id)) ?? []}
            />
          ))}
        </ul>
      </section>
    )
  }
  return (
    <section className="card" aria-labelledby="attendance-heading">
      <h2 id="attendance-heading">Who is here</h2>
      {members.map((m) => (
        <fieldset key={m.id} className="choice attendance" data-testid="attendance">
          <legend>{m.name}</legend>
          {disagreement(m)}
          {ATTENDANCE.map((a) => (
            <label key={a.value}>
              <input
                type="radio"
                name={`attendance-${m.id}`}
                value={a.value}
                disabled={props.readOnly}
                checked={meeting.attendance[m.id] === a.value}
                onChange={() =>
                  void attempt((doc) => setAttendance(doc, meeting.id, m.id, a.value))
                }
              />
              {a.label}
            </label>
          ))}
        </fieldset>
      ))}
      <ErrorText error={error} />
    </section>
  )
}

/** "Present on one device, Absent on another": the marks in the words the screen uses. */
function disagreementWords(marks: readonly Attendance[]): string {
  const [first, ...rest] = marks.map((m) => MARK_LABELS[m])
  return `${first} on one device, ${rest.join(' on another, ')} on another`
}

/**
 * A member's mark that two devices set differently while apart. The merge shows one of them on
 * every device; this says so, and any member settles it with the mark the group agrees on
 * (in a held circle that is recorded as a correction when it changes what the record showed).
 */
function Disagreement(props: {
  url: string
  meeting: Meeting
  member: Member
  marks: readonly Attendance[]
  me: string | null
  readOnly: boolean
}) {
  const { meeting, member, me } = props
  const { attempt, error } = useAttempt(props.url)
  return (
    <div className="disagreement">
      <p data-testid="attendance-disagreement">
        Marked differently while devices were apart: {disagreementWords(props.marks)}. Which was it?
      </p>
      {!props.readOnly && me !== null && (
        <div className="item-tools">
          {props.marks.map((mark) => (
            <button
              key={mark}
              type="button"
              onClick={() =>
                void attempt((doc, ctx) =>
                  settleAttendance(
                    doc,
                    { meetingId: meeting.id, memberId: member.id, mark, by: me },
                    ctx,
                  ),
                )
              }
            >
              {`${member.name} was ${MARK_LABELS[mark].toLowerCase()}`}
            </button>
          ))}
        </div>
      )}
      <ErrorText error={error} />
    </div>
  )
}

/** One member's mark in a held circle, with its corrections and a way to correct it. */
function HeldMark(props: {
  url: string
  view: PodDoc
  meeting: Meeting
  member: Member
  me: string | null
  readOnly: boolean
  corrections: readonly Correction[]
  disagreement: ReactNode
}) {
  const { view, meeting, member, me } = props
  const { attempt, error, clearError } = useAttempt(props.url)
  const mark = meeting.attendance[member.id] ?? null
  const [editing, setEditing] = useState<Attendance | 'none' | null>(null)
  const save = async () => {
    if (me === null || editing === null) return
    const next = editing === 'none' ? null : editing
    const done = await attempt((doc, ctx) =>
      correctAttendance(
        doc,
        { meetingId: meeting.id, memberId: member.id, mark: next, by: me },
        ctx,
      ),
    )
    if (done.ok) setEditing(null)
  }
  return (
    <li className="held-mark" data-testid="held-attendance">
      <div className="item-body">
        <strong>{member.name}</strong>: {markLabel(mark)}
        <CorrectionHistory view={view} corrections={props.corrections} show={markLabel} />
        {props.disagreement}
      </div>
      {editing === null ? (
        !props.readOnly &&
        me !== null && (
          <div className="item-tools">
            <button
              type="button"
              aria-label={`Edit ${member.name}’s attendance`}
              onClick={() => setEditing(mark ?? 'none')}
            >
              Edit
            </button>
          </div>
        )
      ) : (
        <form
          noValidate
          aria-label={`Correct ${member.name}’s attendance`}
          onSubmit={(e) => {
            e.preventDefault()
            void save()
          }}
        >
          <fieldset className="choice attendance">
            <legend>{member.name} was</legend>
            {[
              ...ATTENDANCE,
              { value: 'none' as const, label: 'Not marked (withdraw the mark)' },
            ].map((a) => (
              <label key={a.value}>
                <input
                  type="radio"
                  name={`correct-attendance-${member.id}`}
                  value={a.value}
                  checked={editing === a.value}
                  onChange={() => setEditing(a.value)}
                />
                {a.label}
              </label>
            ))}
          </fieldset>
          <CorrectionActions
            onCancel={() => {
              setEditing(null)
              clearError()
            }}
          />
        </form>
      )}
      <ErrorText error={error} />
    </li>
  )
}

function TodaysRoles(props: { pod: OpenPod; meeting: Meeting }) {
  const { view } = props.pod
  const roles = activeRoles(view)
  const detail = rotationDetail(view, { meetingId: props.meeting.id })
  return (
    <section className="card" aria-labelledby="todays-roles-heading">
      <h2 id="todays-roles-heading">Today’s roles</h2>
      <dl className="holders" data-testid="todays-roles">
        {roles.map((role) => (
          <div key={role.id}>
            <dt>{role.name}</dt>
            <dd>{memberName(view, detail.holders[role.id] ?? null)}</dd>
          </div>
        ))}
      </dl>
      {!props.pod.readOnly && props.meeting.status === 'planned' && (
        <details>
          <summary>Someone else takes a role today</summary>
          <SwapForm pod={props.pod} entries={[detail]} meetingId={props.meeting.id} />
        </details>
      )}
    </section>
  )
}

function NormsPanel(props: { url: string; view: PodDoc }) {
  const norms = adoptedNorms(props.view)
  return (
    <section className="card" aria-labelledby="circle-norms-heading">
      <h2 id="circle-norms-heading">Our norms</h2>
      {norms.length === 0 ? (
        <p>
          No norms adopted yet. <a href={practicePath(props.url, 'norms')}>Set them together</a>.
        </p>
      ) : (
        <ol data-testid="circle-norms">
          {norms.map((n) => (
            <li key={n.id}>{n.text}</li>
          ))}
        </ol>
      )}
    </section>
  )
}

function Closing(props: { pod: OpenPod; meeting: Meeting }) {
  const { view, url, readOnly } = props.pod
  const { meeting } = props
  const { attempt, error } = useAttempt(url)
  const now = useNow(30_000)
  const members = membersForDisplay(view).filter((m) => m.status !== 'left')
  const byAttendance = (a: Attendance) =>
    members.filter((m) => meeting.attendance[m.id] === a).map((m) => m.name)
  const unmarked = members.filter((m) => meeting.attendance[m.id] === undefined).map((m) => m.name)
  const next = meeting.status === 'held' ? nextHolders(view, now, 1) : []
  return (
    <section className="card" aria-labelledby="closing-heading">
      <h2 id="closing-heading">Closing</h2>
      <p>Present: {byAttendance('present').join(', ') || 'nobody marked yet'}.</p>
      {byAttendance('absent').length > 0 && <p>Absent: {byAttendance('absent').join(', ')}.</p>}
      {byAttendance('excused').length > 0 && <p>Excused: {byAttendance('excused').join(', ')}.</p>}
      {unmarked.length > 0 && <p className="muted">Not marked: {unmarked.join(', ')}.</p>}
      {meeting.status !== 'held' ? (
        !readOnly && (
          <>
            <p className="muted">
              Closing confirms who was here and who held each role, and marks the circle held.
            </p>
            <button
              type="button"
              className="primary"
              onClick={() => void attempt((doc, ctx) => holdMeeting(doc, meeting.id, ctx))}
            >
              Confirm and close the circle
            </button>
          </>
        )
      ) : (
        <>
          <h3>Next circle’s roles</h3>
          <UpcomingHolders view={view} entries={next} roles={activeRoles(view)} />
        </>
      )}
      <ErrorText error={error} />
    </section>
  )
}
