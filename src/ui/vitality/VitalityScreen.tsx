import { useMemo, useState, type FormEvent } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import {
  ATTENDANCE_THRESHOLDS,
  REFLECTIVE_WORDS,
  REPLANT_PAUSE_MONTHS,
  TRANSACTIONAL_WORDS,
  pausePod,
  readVitality,
  resumePod,
  type VitalityBand,
  type VitalityReading,
  type VitalityRisk,
} from '../../domain/vitality.ts'
import { FIRST_CIRCLE_AFTER_PAUSE, isPausedAt } from '../../domain/rhythm.ts'
import { usePodCommand } from '../../hooks/usePod.ts'
import { useNow } from '../../hooks/useNow.ts'
import { PodScreenFrame } from '../common/PodScreenFrame.tsx'
import { formatDate, fromDateInput, messageOf, toDateInput } from '../common/labels.ts'
import { LineChart, StackedBarChart } from './Charts.tsx'
import {
  PARTICIPATION_SERIES,
  RHYTHM_SERIES,
  attendanceByMonth,
  participationByQuarter,
  podZone,
  rhythmByMonth,
} from './vitalitySeries.ts'

export const BAND_LABELS: Record<VitalityBand, string> = {
  alive: 'Alive',
  drifting: 'Drifting',
  decaying: 'Decaying',
  unknown: 'Too early to read',
}

export const RISK_LABELS: Record<VitalityRisk, string> = {
  hollowness: 'Hollowness',
  'mentor-invisibility': 'Mentor invisibility',
  'cliques-domination': 'Cliques and domination',
  'rhythm-decay': 'Rhythm decay',
}

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`)

/**
 * The pod's vitality (pattern.md, Section 8), read from its record each time: every signal with
 * the evidence behind it, the risks the pattern names with what it suggests, replanting, and
 * charts over time. Evidence for the group to discuss — nobody is ranked.
 */
export function VitalityScreen(props: { url: string }) {
  return (
    <PodScreenFrame url={props.url} title="Vitality">
      {(view, readOnly) => <Vitality url={props.url} view={view} readOnly={readOnly} />}
    </PodScreenFrame>
  )
}

function Vitality(props: { url: string; view: PodDoc; readOnly: boolean }) {
  const { view } = props
  const now = useNow(60_000, view)
  const reading = useMemo(() => readVitality(view, now), [view, now])
  return (
    <>
      <p className="muted">
        Signs for the group to talk about, each with the evidence behind it — not scores, and nobody
        is ranked.
      </p>
      <p className={`band band-${reading.overall}`} data-testid="overall">
        Overall: <strong>{BAND_LABELS[reading.overall]}</strong>
      </p>
      <Risks reading={reading} />
      <Replant url={props.url} view={view} reading={reading} now={now} readOnly={props.readOnly} />
      <Signals reading={reading} />
      <ChartsSection view={view} reading={reading} now={now} />
    </>
  )
}

function Evidence(props: { lines: readonly string[] }) {
  return (
    <ul className="evidence">
      {props.lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  )
}

function Risks(props: { reading: VitalityReading }) {
  const { risks } = props.reading
  return (
    <section aria-labelledby="risks-heading">
      <h2 id="risks-heading">Risks to talk about</h2>
      {risks.length === 0 ? (
        <p>None of the risks the pattern names shows in the record right now.</p>
      ) : (
        <ul className="plain">
          {risks.map((r) => (
            <li key={r.risk} className="card risk" data-testid="risk">
              <h3>{RISK_LABELS[r.risk]}</h3>
              <Evidence lines={r.evidence} />
              <p>
                <strong>What the pattern suggests: </strong>
                {r.suggestion}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function addMonthsLocal(ms: number, months: number): number {
  const d = new Date(ms)
  d.setMonth(d.getMonth() + months)
  return d.getTime()
}

function Replant(props: {
  url: string
  view: PodDoc
  reading: VitalityReading
  now: number
  readOnly: boolean
}) {
  const { view, reading, now } = props
  const run = usePodCommand(props.url)
  const [until, setUntil] = useState(() => toDateInput(addMonthsLocal(now, REPLANT_PAUSE_MONTHS)))
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const paused = isPausedAt(view, now)
  const pause = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    const restart = fromDateInput(until)
    if (restart === null) return setError('Please give the restart date.')
    try {
      await run((doc, ctx) => pausePod(doc, { until: restart, reason }, ctx))
      setReason('')
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const resume = async () => {
    setError(null)
    try {
      await run((doc, ctx) => resumePod(doc, ctx))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section
      className={`card replant${reading.replant.suggested ? ' replant-suggested' : ''}`}
      aria-labelledby="replant-heading"
      data-testid="replant"
    >
      <h2 id="replant-heading">Replant</h2>
      {paused ? (
        <>
          <p>
            The pod is resting until <strong>{formatDate(view.pod.pausedUntil ?? now)}</strong>
            {view.pod.pauseReason !== null && `: ${view.pod.pauseReason}`}.
          </p>
          <p>
            The first circle after the pause opens with “{FIRST_CIRCLE_AFTER_PAUSE}” — how the pod
            wants to be together, not just what it wants to learn.
          </p>
          {!props.readOnly && (
            <button type="button" onClick={() => void resume()}>
              Restart now
            </button>
          )}
        </>
      ) : (
        <>
          <p>{reading.replant.reason}</p>
          {!props.readOnly && (
            <details open={reading.replant.suggested}>
              <summary>Pause the pod for {REPLANT_PAUSE_MONTHS} months</summary>
              <form onSubmit={(e) => void pause(e)} noValidate aria-label="Pause to replant">
                <label htmlFor="replant-until">Restart on</label>
                <input
                  id="replant-until"
                  type="date"
                  value={until}
                  onChange={(e) => setUntil(e.target.value)}
                />
                <label htmlFor="replant-reason">Why the pod is pausing, in your words</label>
                <textarea
                  id="replant-reason"
                  rows={2}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  maxLength={300}
                />
                <p className="muted">
                  Meetings in the pause are not expected and do not count as slipped. The first
                  circle after it opens with “{FIRST_CIRCLE_AFTER_PAUSE}”
                </p>
                <button type="submit" className="primary">
                  Pause and replant
                </button>
              </form>
            </details>
          )}
        </>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

function Signals(props: { reading: VitalityReading }) {
  const { attendance, rhythm, participation, flow, reflectiveness, newcomersOnEdge } = props.reading
  return (
    <section aria-labelledby="signals-heading">
      <h2 id="signals-heading">Signals and their evidence</h2>
      <article className="card signal" data-testid="signal-attendance" aria-labelledby="sig-att">
        <h3 id="sig-att">
          Attendance: {BAND_LABELS[attendance.band].toLowerCase()} ({percent(attendance.recentRate)}
          {attendance.trend !== 'unknown' && `, ${attendance.trend}`})
        </h3>
        <Evidence lines={attendance.evidence} />
      </article>
      <article className="card signal" data-testid="signal-rhythm" aria-labelledby="sig-rhythm">
        <h3 id="sig-rhythm">
          Rhythm: {rhythm.decaying ? 'slipping' : 'kept'} ({percent(rhythm.keptShare)} kept in the
          last {rhythm.windowDays} days)
        </h3>
        <Evidence lines={rhythm.evidence} />
      </article>
      <article
        className="card signal"
        data-testid="signal-participation"
        aria-labelledby="sig-part"
      >
        <h3 id="sig-part">
          Participation: {participation.dominated ? 'a few voices dominate' : 'shared'}
          {participation.gini !== null && ` (spread ${participation.gini.toFixed(2)}, 0 = even)`}
        </h3>
        <Evidence lines={participation.evidence} />
        {participation.perMember.length > 0 && (
          <details>
            <summary>Who came and contributed, by name</summary>
            <table className="data-table">
              <caption className="visually-hidden">
                Participation in the last {participation.meetings} meetings, by name
              </caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Came</th>
                  <th scope="col">Check-ins</th>
                  <th scope="col">Insights</th>
                </tr>
              </thead>
              <tbody>
                {participation.perMember.map((m) => (
                  <tr key={m.memberId}>
                    <th scope="row">{m.name}</th>
                    <td>{m.attended}</td>
                    <td>{m.checkIns}</td>
                    <td>{m.insights}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
      </article>
      <article className="card signal" data-testid="signal-flow" aria-labelledby="sig-flow">
        <h3 id="sig-flow">
          Flow:{' '}
          {flow.shape === 'unknown'
            ? 'too few responses to read'
            : flow.shape === 'peer-to-peer'
              ? 'peer to peer'
              : 'through the facilitator'}
        </h3>
        <Evidence lines={flow.evidence} />
      </article>
      <article className="card signal" data-testid="signal-tone" aria-labelledby="sig-tone">
        <h3 id="sig-tone">
          Conversations:{' '}
          {reflectiveness.tone === 'unknown' ? 'too few to read' : reflectiveness.tone} (
          {percent(reflectiveness.reflectiveShare)} reflective)
        </h3>
        <Evidence lines={reflectiveness.evidence} />
        {reflectiveness.examples.reflective.length > 0 && (
          <>
            <p>Read as reflective:</p>
            <ul>
              {reflectiveness.examples.reflective.map((t) => (
                <li key={t}>“{t}”</li>
              ))}
            </ul>
          </>
        )}
        {reflectiveness.examples.transactional.length > 0 && (
          <>
            <p>Read as transactional:</p>
            <ul>
              {reflectiveness.examples.transactional.map((t) => (
                <li key={t}>“{t}”</li>
              ))}
            </ul>
          </>
        )}
        <details>
          <summary>How check-ins and insights are read</summary>
          <p>
            A text with more of the reflective words than transactional ones reads as reflective;
            the reverse, transactional; otherwise it is not counted.
          </p>
          <p>
            <strong>Reflective words:</strong> {REFLECTIVE_WORDS.join(', ')}.
          </p>
          <p>
            <strong>Transactional words:</strong> {TRANSACTIONAL_WORDS.join(', ')}.
          </p>
        </details>
      </article>
      <article className="card signal" data-testid="signal-newcomers" aria-labelledby="sig-new">
        <h3 id="sig-new">Newcomers</h3>
        {newcomersOnEdge.length === 0 ? (
          <p>No one who joined three to twelve months ago seems to be on the edge.</p>
        ) : (
          <ul>
            {newcomersOnEdge.map((n) => (
              <li key={n.memberId}>
                {n.name}, {n.monthsIn} months in: {n.reasons.join('; ')}.
              </li>
            ))}
          </ul>
        )}
      </article>
    </section>
  )
}

function ChartsSection(props: { view: PodDoc; reading: VitalityReading; now: number }) {
  const { view, reading, now } = props
  const tz = podZone(view)
  const attendance = attendanceByMonth(reading.attendance.series, tz)
  const rhythm = rhythmByMonth(reading.rhythm.history, tz)
  const participation = useMemo(() => participationByQuarter(view, now), [view, now])
  const { alive, drifting, decaying } = ATTENDANCE_THRESHOLDS
  const lastAttendance = attendance[attendance.length - 1]
  const totals = rhythm.reduce(
    (t, b) => {
      for (const s of RHYTHM_SERIES) t[s.key] = (t[s.key] ?? 0) + (b.values[s.key] ?? 0)
      return t
    },
    {} as Record<string, number>,
  )
  const lastParticipation = participation[participation.length - 1]
  return (
    <section aria-labelledby="charts-heading">
      <h2 id="charts-heading">Over time</h2>
      {attendance.length === 0 ? (
        <p>No attendance recorded yet.</p>
      ) : (
        <LineChart
          testId="attendance-chart"
          title="Attendance by month"
          description={`Places filled at held meetings, per month, from ${attendance[0]?.label ?? ''} to ${lastAttendance?.label ?? ''}; the latest month ${percent(lastAttendance?.value ?? null)}. Reference lines at the pattern's marks: ${percent(alive)} alive, ${percent(drifting)} drifting, ${percent(decaying)} decaying.`}
          points={attendance}
          references={[
            { value: alive, label: `${percent(alive)} alive` },
            { value: drifting, label: `${percent(drifting)} drifting` },
            { value: decaying, label: `${percent(decaying)} decaying` },
          ]}
          valueHeading="Attendance"
        />
      )}
      {rhythm.length > 0 && (
        <StackedBarChart
          testId="rhythm-chart"
          title="Rhythm by month"
          description={`What became of each month's circle and all-hands meetings: ${RHYTHM_SERIES.map((s) => `${totals[s.key] ?? 0} ${s.label.toLowerCase()}`).join(', ')} in all.`}
          series={RHYTHM_SERIES}
          bars={rhythm}
        />
      )}
      {participation.length > 0 && (
        <StackedBarChart
          testId="participation-chart"
          title="Participation by quarter"
          description={`At the end of each quarter, how many people who came shared insights and how many stayed silent, over the meetings just before. Latest: ${lastParticipation?.values['contributing'] ?? 0} shared, ${lastParticipation?.values['silent'] ?? 0} silent.`}
          series={PARTICIPATION_SERIES}
          bars={participation}
        />
      )}
    </section>
  )
}
