import { useId, useState, type FormEvent } from 'react'
import type { Cadence, Container, ContainerKind, PodDoc } from '../../schema/podDocument.ts'
import {
  activeContainers,
  addContainer,
  defaultCadence,
  retireContainer,
  DEFAULT_OFFICE_HOURS_MINUTES_PER_MENTEE,
} from '../../domain/containers.ts'
import {
  calendarGuardianNudge,
  officeHoursUsage,
  rescheduleMeeting,
  restoreMeeting,
  rhythmStreak,
  skipMeeting,
  upcomingCalendar,
  FIRST_CIRCLE_AFTER_PAUSE,
  type CalendarEntry,
} from '../../domain/rhythm.ts'
import { upcomingHolders } from '../../domain/roleRotation.ts'
import { readPodSize } from '../../domain/podQueries.ts'
import { podRhythmToIcs } from '../../adapters/calendar/ics.ts'
import { fileNameFrom } from '../../adapters/files/download.ts'
import { usePodCommand } from '../../hooks/usePod.ts'
import { useServices } from '../../hooks/services.ts'
import { useNow } from '../../hooks/useNow.ts'
import { useStartCircle } from '../../hooks/useCircle.ts'
import { circlePath } from '../circle/practicePaths.ts'
import { PodScreenFrame } from '../common/PodScreenFrame.tsx'
import { messageOf } from '../common/labels.ts'
import {
  CADENCES_FOR,
  CADENCE_LABELS,
  CALENDAR_STATUS_LABELS,
  CONTAINER_KIND_HINTS,
  CONTAINER_KIND_LABELS,
  WEEKDAYS,
  browserTimeZone,
  formatSlot,
  fromDateTimeInput,
  knownTimeZones,
  toDateTimeInput,
} from './rhythmLabels.ts'

/** How many meetings of each container the upcoming calendar shows. */
const HORIZON = 3

/**
 * The pod's rhythm (pattern.md, Section 4: "name the rhythm explicitly"): its containers, the
 * upcoming calendar with who holds which role, skips and moves with their reasons, the streak,
 * the calendar guardian's nudge, office-hours use, and the .ics for everyone's calendar.
 */
export function RhythmScreen(props: { url: string }) {
  return (
    <PodScreenFrame url={props.url} title="Rhythm">
      {(view, readOnly) => <Rhythm url={props.url} view={view} readOnly={readOnly} />}
    </PodScreenFrame>
  )
}

function Rhythm(props: { url: string; view: PodDoc; readOnly: boolean }) {
  const { view, url, readOnly } = props
  const now = useNow(60_000, view)
  const size = readPodSize(view)
  const nudge = calendarGuardianNudge(view, now)
  const containers = activeContainers(view)
  return (
    <>
      <p className="muted">
        Without rhythm, groups collapse into sporadic gatherings that feel optional. Write the
        rhythm into calendars, not aspirations.
      </p>
      <p className={`size-guidance size-${size.fit}`} data-testid="rhythm-size">
        {size.fit === 'below' || size.fit === 'above' ? <strong>Size: </strong> : null}
        {size.message}
      </p>
      {nudge !== null && (
        <section className="card nudge" aria-labelledby="nudge-heading" data-testid="nudge">
          <h2 id="nudge-heading">For the {nudge.roleName.toLowerCase()}</h2>
          <p>{nudge.message}</p>
        </section>
      )}
      <Containers url={url} view={view} containers={containers} now={now} readOnly={readOnly} />
      {containers.length > 0 && <Upcoming url={url} view={view} now={now} readOnly={readOnly} />}
      <OfficeHours view={view} now={now} />
      {containers.length > 0 && <IcsDownload view={view} />}
      {!readOnly && <AddContainerForm url={url} view={view} />}
    </>
  )
}

function describeContainer(c: Container): string {
  const weekday = WEEKDAYS[c.weekday] ?? '?'
  const hours =
    c.kind === 'office-hours' && c.minutesPerMentee !== null
      ? `, ${c.minutesPerMentee} minutes a month per mentee`
      : ''
  return `${CADENCE_LABELS[c.cadence]} on ${weekday} at ${c.time} (${c.timeZone}), ${c.durationMinutes} minutes${hours}`
}

function Containers(props: {
  url: string
  view: PodDoc
  containers: Container[]
  now: number
  readOnly: boolean
}) {
  const run = usePodCommand(props.url)
  const [error, setError] = useState<string | null>(null)
  const retire = async (id: string) => {
    setError(null)
    try {
      await run((doc, ctx) => retireContainer(doc, id, ctx))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section aria-labelledby="containers-heading">
      <h2 id="containers-heading">Containers</h2>
      {props.containers.length === 0 ? (
        <p>
          No containers yet. Declare the pod's circle below — and, if the pod keeps them, office
          hours and a quarterly all-hands reflection.
        </p>
      ) : (
        <ul className="plain">
          {props.containers.map((c) => (
            <li key={c.id} className="card container" data-testid="container">
              <h3 className="container-name">{c.name}</h3>
              <p>{describeContainer(c)}</p>
              {c.kind !== 'office-hours' && (
                <StreakLine view={props.view} container={c} now={props.now} />
              )}
              {!props.readOnly && (
                <button type="button" onClick={() => void retire(c.id)}>
                  Retire {c.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

function StreakLine(props: { view: PodDoc; container: Container; now: number }) {
  const streak = rhythmStreak(props.view, props.container.id, props.now)
  const tz = props.container.timeZone
  const broken =
    streak.brokenBy === null
      ? null
      : `${streak.count === 0 ? 'The rhythm broke' : 'Before that, the rhythm broke'} on ${formatSlot(streak.brokenBy.slot, tz)}: ${streak.brokenBy.outcome === 'unrecorded' ? 'not recorded as held' : streak.brokenBy.outcome}${streak.brokenBy.reason === null ? '' : ` (${streak.brokenBy.reason})`}.`
  return (
    <p data-testid="streak">
      <strong>
        {streak.count === 0
          ? 'No meetings on rhythm in a row yet.'
          : `${streak.count} meeting${streak.count === 1 ? '' : 's'} in a row on rhythm`}
      </strong>
      {streak.since !== null && ` since ${formatSlot(streak.since, tz)}.`} {broken}
    </p>
  )
}

function Upcoming(props: { url: string; view: PodDoc; now: number; readOnly: boolean }) {
  const { view, now } = props
  const entries = upcomingCalendar(view, now, HORIZON)
  const group = entries.filter(
    (e) => e.kind !== 'office-hours' && e.status !== 'skipped' && e.status !== 'held',
  )
  const rotation = upcomingHolders(view, {
    startingAt: now,
    count: group.length,
    slots: group.filter((e) => e.meetingId === null).map((e) => e.scheduledFor),
  })
  const holdersOf = (e: CalendarEntry): Record<string, string | null> | null => {
    if (e.kind === 'office-hours' || e.status === 'skipped') return null
    if (Object.keys(e.roleHolders).length > 0) return e.roleHolders
    const found = rotation.find((r) =>
      e.meetingId !== null
        ? r.meetingId === e.meetingId
        : r.meetingId === null && r.scheduledFor === e.scheduledFor,
    )
    return found?.holders ?? null
  }
  return (
    <section aria-labelledby="upcoming-heading">
      <h2 id="upcoming-heading">Coming up</h2>
      <ol className="plain calendar">
        {entries.map((e) => (
          <CalendarItem
            key={`${e.containerId}-${e.scheduledFor}`}
            url={props.url}
            view={view}
            entry={e}
            holders={holdersOf(e)}
            readOnly={props.readOnly}
          />
        ))}
      </ol>
    </section>
  )
}

function CalendarItem(props: {
  url: string
  view: PodDoc
  entry: CalendarEntry
  holders: Record<string, string | null> | null
  readOnly: boolean
}) {
  const { entry, view } = props
  const run = usePodCommand(props.url)
  const { pods } = useServices()
  const start = useStartCircle(props.url)
  const [mode, setMode] = useState<'idle' | 'skip' | 'move'>('idle')
  const [error, setError] = useState<string | null>(null)
  const when = formatSlot(entry.startsAt, entry.timeZone)
  const label = `${entry.containerName} on ${formatSlot(entry.scheduledFor, entry.timeZone)}`
  const roles = Object.values(view.roles)
    .filter((r) => r.retiredAt === null)
    .sort((a, b) => a.order.localeCompare(b.order))
  const undo = async () => {
    setError(null)
    try {
      await run((doc, ctx) =>
        restoreMeeting(
          doc,
          { containerId: entry.containerId, scheduledFor: entry.scheduledFor },
          ctx,
        ),
      )
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const begin = async () => {
    setError(null)
    try {
      const id = await start({
        kind: 'slot',
        containerId: entry.containerId,
        scheduledFor: entry.scheduledFor,
      })
      location.hash = circlePath(props.url, id)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const changeable = entry.status !== 'held'
  return (
    <li className={`card calendar-entry status-${entry.status}`} data-testid="calendar-entry">
      <p className="calendar-when">
        <strong>{when}</strong> · {entry.containerName}
        <span className="muted"> · {CALENDAR_STATUS_LABELS[entry.status]}</span>
      </p>
      {entry.status === 'rescheduled' && (
        <p>
          Moved from {formatSlot(entry.scheduledFor, entry.timeZone)}
          {entry.reason !== null && `: ${entry.reason}`}
        </p>
      )}
      {entry.status === 'skipped' && entry.reason !== null && <p>Skipped: {entry.reason}</p>}
      {entry.firstAfterPause && (
        <p className="replant-note">
          The first circle after the pause opens with “{FIRST_CIRCLE_AFTER_PAUSE}”
        </p>
      )}
      {props.holders !== null && roles.length > 0 && (
        <ul className="roles-inline">
          {roles.map((r) => {
            const id = props.holders?.[r.id] ?? null
            return (
              <li key={r.id}>
                {r.name}:{' '}
                {id === null ? 'nobody available' : (view.members[id]?.name ?? 'a former member')}
              </li>
            )
          })}
        </ul>
      )}
      {!props.readOnly && changeable && mode === 'idle' && (
        <div className="actions">
          {entry.status === 'skipped' || entry.status === 'rescheduled' ? (
            <button type="button" onClick={() => void undo()} aria-label={`Put back ${label}`}>
              Put back
            </button>
          ) : (
            <>
              <button
                type="button"
                className="primary"
                onClick={() => void begin()}
                aria-label={`Start ${label}`}
              >
                Start
              </button>
              <button type="button" onClick={() => setMode('skip')} aria-label={`Skip ${label}`}>
                Skip
              </button>
              <button type="button" onClick={() => setMode('move')} aria-label={`Move ${label}`}>
                Move
              </button>
            </>
          )}
        </div>
      )}
      {mode !== 'idle' && (
        <SkipOrMoveForm
          mode={mode}
          label={label}
          entry={entry}
          onCancel={() => setMode('idle')}
          onSubmit={async (reason, to) => {
            // The slot's meeting is created the way every device creates it, then changed.
            await pods.ensureSlotMeeting(props.url, entry.containerId, entry.scheduledFor)
            await run((doc, ctx) =>
              mode === 'skip'
                ? skipMeeting(
                    doc,
                    { containerId: entry.containerId, scheduledFor: entry.scheduledFor, reason },
                    ctx,
                  )
                : rescheduleMeeting(
                    doc,
                    {
                      containerId: entry.containerId,
                      scheduledFor: entry.scheduledFor,
                      to: to ?? Number.NaN,
                      reason,
                    },
                    ctx,
                  ),
            )
            setMode('idle')
          }}
        />
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}

function SkipOrMoveForm(props: {
  mode: 'skip' | 'move'
  label: string
  entry: CalendarEntry
  onCancel: () => void
  onSubmit: (reason: string, to: number | null) => Promise<void>
}) {
  const id = useId()
  const [reason, setReason] = useState('')
  const [to, setTo] = useState(toDateTimeInput(props.entry.scheduledFor + 86_400_000))
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    const at = props.mode === 'move' ? fromDateTimeInput(to) : null
    if (props.mode === 'move' && at === null) return setError('Please give the new date and time.')
    try {
      await props.onSubmit(reason, at)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const verb = props.mode === 'skip' ? 'Skip' : 'Move'
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={`${verb} ${props.label}`}>
      {props.mode === 'move' && (
        <>
          <label htmlFor={`${id}-to`}>New date and time (your time zone)</label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        </>
      )}
      <label htmlFor={`${id}-reason`}>Reason</label>
      <input
        id={`${id}-reason`}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={200}
      />
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          {verb} this meeting
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function OfficeHours(props: { view: PodDoc; now: number }) {
  const usage = officeHoursUsage(props.view, props.now)
  if (usage === null) return null
  return (
    <section aria-labelledby="office-hours-heading">
      <h2 id="office-hours-heading">Office hours this month</h2>
      <p className="muted">
        {usage.allowanceMinutes} minutes a month per mentee ({usage.month}). Time is counted for
        each member present at a held office-hours meeting, except the mentor keeping the hours.
      </p>
      <table className="data-table" data-testid="office-hours">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Used</th>
            <th scope="col">Left</th>
          </tr>
        </thead>
        <tbody>
          {usage.members.map((m) => (
            <tr key={m.memberId} className={m.over ? 'over' : undefined}>
              <th scope="row">{m.name}</th>
              <td>
                {m.usedMinutes} of {m.allowanceMinutes} min{m.over ? ' (over)' : ''}
              </td>
              <td>{m.remainingMinutes} min</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function IcsDownload(props: { view: PodDoc }) {
  const services = useServices()
  const download = () => {
    const ics = podRhythmToIcs(props.view, {
      now: Date.now(),
      productId: '-//Tend//Pod rhythm//EN',
    })
    services.saveTextFile(fileNameFrom(props.view.pod.name, 'ics'), ics, 'text/calendar')
  }
  return (
    <section aria-labelledby="ics-heading">
      <h2 id="ics-heading">In everyone's calendar</h2>
      <p className="muted">
        A calendar file with every container's recurring meetings, skipped meetings left out and
        moved ones at their new time. Import it into any calendar app.
      </p>
      <button type="button" className="primary" onClick={download}>
        Download calendar (.ics)
      </button>
    </section>
  )
}

function AddContainerForm(props: { url: string; view: PodDoc }) {
  const run = usePodCommand(props.url)
  const [kind, setKind] = useState<ContainerKind>('circle')
  const [cadence, setCadence] = useState<Cadence>(defaultCadence('circle', props.view.pod.kind))
  const [weekday, setWeekday] = useState(3)
  const [time, setTime] = useState('18:30')
  const [duration, setDuration] = useState('90')
  const [timeZone, setTimeZone] = useState(browserTimeZone)
  const [minutes, setMinutes] = useState(String(DEFAULT_OFFICE_HOURS_MINUTES_PER_MENTEE))
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const zones = knownTimeZones(timeZone)
  const chooseKind = (next: ContainerKind) => {
    setKind(next)
    setCadence(defaultCadence(next, props.view.pod.kind))
    setDuration(next === 'circle' ? '90' : next === 'office-hours' ? '30' : '120')
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    setDone(null)
    try {
      await run((doc, ctx) =>
        addContainer(
          doc,
          {
            kind,
            cadence,
            weekday,
            time,
            durationMinutes: Number(duration),
            timeZone,
            ...(kind === 'office-hours' ? { minutesPerMentee: Number(minutes) } : {}),
          },
          ctx,
        ),
      )
      setDone(`${CONTAINER_KIND_LABELS[kind]} added.`)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="card" aria-labelledby="add-container-heading">
      <h2 id="add-container-heading">Declare a container</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="choice">
          <legend>Kind</legend>
          {(Object.keys(CONTAINER_KIND_LABELS) as ContainerKind[]).map((k) => (
            <label key={k}>
              <input
                type="radio"
                name="container-kind"
                value={k}
                checked={kind === k}
                onChange={() => chooseKind(k)}
              />
              <span>
                {CONTAINER_KIND_LABELS[k]}
                <span className="muted kind-hint"> — {CONTAINER_KIND_HINTS[k]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label htmlFor="container-cadence">How often</label>
        <select
          id="container-cadence"
          value={cadence}
          onChange={(e) => setCadence(e.target.value as Cadence)}
        >
          {CADENCES_FOR[kind].map((c) => (
            <option key={c} value={c}>
              {CADENCE_LABELS[c]}
            </option>
          ))}
        </select>
        <label htmlFor="container-weekday">Weekday</label>
        <select
          id="container-weekday"
          value={weekday}
          onChange={(e) => setWeekday(Number(e.target.value))}
        >
          {WEEKDAYS.map((d, i) => (
            <option key={d} value={i}>
              {d}
            </option>
          ))}
        </select>
        <label htmlFor="container-time">Time</label>
        <input
          id="container-time"
          type="time"
          value={time}
          onChange={(e) => setTime(e.target.value)}
        />
        <label htmlFor="container-duration">Duration (minutes)</label>
        <input
          id="container-duration"
          type="number"
          inputMode="numeric"
          min={5}
          max={600}
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
        />
        <label htmlFor="container-zone">Time zone</label>
        <select id="container-zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        {kind === 'office-hours' && (
          <>
            <label htmlFor="container-minutes">Minutes a month per mentee</label>
            <input
              id="container-minutes"
              type="number"
              inputMode="numeric"
              min={5}
              max={600}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </>
        )}
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {done !== null && <p role="status">{done}</p>}
        <button type="submit" className="primary">
          Add {CONTAINER_KIND_LABELS[kind].toLowerCase()}
        </button>
      </form>
    </section>
  )
}
