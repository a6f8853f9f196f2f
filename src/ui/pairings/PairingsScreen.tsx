import { useId, useState } from 'react'
import type { Pairing } from '../../schema/podDocument.ts'
import {
  DEFAULT_PAIRING_PERIOD_MS,
  currentPairings,
  declinePairing,
  pairingHistory,
  proposePairings,
  rotationDue,
  startRotation,
} from '../../domain/pairings.ts'
import { useMyMemberId } from '../../hooks/useCircle.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatDate } from '../common/labels.ts'
import { BackToPod, PodGate, memberName, type OpenPod } from '../circle/PodGate.tsx'
import { ErrorText, useAttempt } from '../circle/attempt.tsx'

const DAY_MS = 24 * 60 * 60 * 1000
const PERIODS: { label: string; ms: number }[] = [
  { label: 'Every year', ms: DEFAULT_PAIRING_PERIOD_MS },
  { label: 'Every six months', ms: 182 * DAY_MS },
  { label: 'Every quarter', ms: 91 * DAY_MS },
]

/** Peer-mentor pairings: who mentors whom now, the next rotation, declining, the history. */
export function PairingsScreen(props: { url: string }) {
  return <PodGate url={props.url}>{(pod) => <PairingsBody {...pod} />}</PodGate>
}

function pairingState(p: Pairing): string {
  if (p.declinedAt !== null) return `declined on ${formatDate(p.declinedAt)}`
  if (p.endedAt !== null) return `${formatDate(p.startedAt)} – ${formatDate(p.endedAt)}`
  return `since ${formatDate(p.startedAt)}`
}

function PairingsBody(pod: OpenPod) {
  const { url, view, readOnly } = pod
  const me = useMyMemberId(url, view)
  const now = useNow(30_000)
  const { attempt, error } = useAttempt(url)
  const [periodMs, setPeriodMs] = useState(DEFAULT_PAIRING_PERIOD_MS)
  const [previewing, setPreviewing] = useState(false)
  const id = useId()
  const current = currentPairings(view)
  const history = pairingHistory(view).filter((p) => p.endedAt !== null || p.declinedAt !== null)
  const due = rotationDue(view, now, periodMs)
  const proposal = proposePairings(view, now)
  const start = async () => {
    const started = await attempt((doc, ctx) =>
      startRotation(doc, proposePairings(doc, ctx.now), ctx),
    )
    if (started.ok) setPreviewing(false)
  }
  return (
    <>
      <BackToPod url={url} name={view.pod.name} />
      <h1>Peer mentoring</h1>
      <p className="muted">
        Each member mentors one peer earlier in the journey. Pairings rotate so mentoring is shared
        and no pair repeats before every other pair has had its turn.
      </p>
      <section aria-labelledby="current-pairings-heading">
        <h2 id="current-pairings-heading">Current pairings</h2>
        {current.length === 0 ? (
          <p>No pairings yet.</p>
        ) : (
          <ul className="plain" data-testid="current-pairings">
            {current.map((p) => (
              <li key={p.id} className="pairing" data-testid="pairing">
                <span>
                  <strong>{memberName(view, p.mentorId)}</strong> mentors{' '}
                  <strong>{memberName(view, p.menteeId)}</strong>{' '}
                  <span className="muted">{pairingState(p)}</span>
                </span>
                {!readOnly && me !== null && (me === p.mentorId || me === p.menteeId) && (
                  <button
                    type="button"
                    onClick={() => void attempt((doc, ctx) => declinePairing(doc, p.id, me, ctx))}
                  >
                    Decline this pairing
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="rotation-heading">
        <h2 id="rotation-heading">Rotation</h2>
        <label htmlFor={`${id}-period`}>Rotate pairings</label>
        <select
          id={`${id}-period`}
          value={periodMs}
          onChange={(e) => setPeriodMs(Number(e.target.value))}
        >
          {PERIODS.map((p) => (
            <option key={p.ms} value={p.ms}>
              {p.label}
            </option>
          ))}
        </select>
        <p data-testid="rotation-due">
          {due ? 'A new rotation is due.' : 'The current pairings are still within their period.'}
        </p>
        {!readOnly &&
          (previewing ? (
            <>
              <h3>Proposed pairings</h3>
              {proposal.length === 0 ? (
                <p>The pod needs at least two active members to pair.</p>
              ) : (
                <ul data-testid="proposed-pairings">
                  {proposal.map((p) => (
                    <li key={`${p.mentorId}-${p.menteeId}`}>
                      {memberName(view, p.mentorId)} mentors {memberName(view, p.menteeId)}
                    </li>
                  ))}
                </ul>
              )}
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  disabled={proposal.length === 0}
                  onClick={() => void start()}
                >
                  Start this rotation
                </button>
                <button type="button" onClick={() => setPreviewing(false)}>
                  Not now
                </button>
              </div>
            </>
          ) : (
            <button type="button" className="primary" onClick={() => setPreviewing(true)}>
              Propose a new rotation
            </button>
          ))}
        <ErrorText error={error} />
      </section>
      <section aria-labelledby="pairing-history-heading">
        <h2 id="pairing-history-heading">History</h2>
        {history.length === 0 ? (
          <p>No earlier pairings.</p>
        ) : (
          <ul className="plain" data-testid="pairing-history">
            {history.map((p) => (
              <li key={p.id}>
                {memberName(view, p.mentorId)} mentored {memberName(view, p.menteeId)},{' '}
                {pairingState(p)}
                {p.declinedBy !== null && ` by ${memberName(view, p.declinedBy)}`}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  )
}
