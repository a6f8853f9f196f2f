import { useId, useState, type FormEvent } from 'react'
import type { ConsentResponse, Norm, PodDoc } from '../../schema/podDocument.ts'
import {
  STARTER_NORM_PROMPTS,
  adoptedNorms,
  closeRound,
  currentRound,
  normHistory,
  openProposals,
  proposeNorm,
  respondToNorm,
  retireNorm,
  roundOutcome,
  settleRound,
  withdrawNorm,
} from '../../domain/norms.ts'
import { useMyMemberId, useStartCircle } from '../../hooks/useCircle.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatDate } from '../common/labels.ts'
import { BackToPod, PodGate, memberName, type OpenPod } from '../circle/PodGate.tsx'
import { ErrorText, useAttempt } from '../circle/attempt.tsx'
import { circlePath } from '../circle/practicePaths.ts'

export const RESPONSE_LABELS: Record<ConsentResponse, string> = {
  consent: 'Consents',
  'stand-aside': 'Stands aside',
  object: 'Objects',
}

const CHOICES: { value: ConsentResponse; label: string }[] = [
  { value: 'consent', label: 'I consent' },
  { value: 'stand-aside', label: 'I stand aside' },
  { value: 'object', label: 'I object' },
]

const STATUS_WORDS: Record<Norm['status'], string> = {
  proposed: 'proposed',
  adopted: 'adopted',
  revised: 'revised',
  retired: 'retired',
  withdrawn: 'withdrawn',
}

/** The pod's living charter: propose, consent rounds, adopt, revise, retire, history. */
export function NormsScreen(props: { url: string }) {
  return <PodGate url={props.url}>{(pod) => <NormsBody {...pod} />}</PodGate>
}

function NormsBody(pod: OpenPod) {
  const { url, view, readOnly } = pod
  const me = useMyMemberId(url, view)
  const now = useNow(30_000)
  const charter = adoptedNorms(view)
  const proposals = openProposals(view)
  const past = Object.values(view.norms)
    .filter((n) => n.status !== 'adopted' && n.status !== 'proposed')
    .sort((a, b) => a.proposedAt - b.proposedAt)
  const [draft, setDraft] = useState<{ text: string; key: number }>({ text: '', key: 0 })
  const canAct = !readOnly && me !== null
  return (
    <>
      <BackToPod url={url} name={view.pod.name} />
      <h1>Norms</h1>
      <p className="muted">
        Our living charter. A norm is adopted by consent: every active member consents, stands aside
        or objects. Answers stay hidden until everyone has answered.
      </p>
      {Object.keys(view.norms).length === 0 && (
        <FirstNormCircle
          url={url}
          canAct={canAct}
          onUse={(text) => setDraft((d) => ({ text, key: d.key + 1 }))}
        />
      )}
      <section aria-labelledby="charter-heading">
        <h2 id="charter-heading">Our charter</h2>
        {charter.length === 0 ? (
          <p>No norm is adopted yet.</p>
        ) : (
          <ul className="plain norm-list" data-testid="charter">
            {charter.map((norm) => (
              <AdoptedNorm key={norm.id} pod={pod} norm={norm} me={me} canAct={canAct} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">Open proposals</h2>
        {proposals.length === 0 ? (
          <p>No proposal is waiting for answers.</p>
        ) : (
          <ul className="plain norm-list">
            {proposals.map((norm) => (
              <Proposal key={norm.id} pod={pod} norm={norm} me={me} now={now} canAct={canAct} />
            ))}
          </ul>
        )}
      </section>
      {canAct && (
        <section className="card" aria-labelledby="propose-heading">
          <h2 id="propose-heading">Propose a norm</h2>
          <NormForm key={draft.key} url={url} me={me} initialText={draft.text} revises={null} />
        </section>
      )}
      {past.length > 0 && (
        <section aria-labelledby="norm-history-heading">
          <h2 id="norm-history-heading">History</h2>
          <ul className="plain">
            {past.map((norm) => (
              <li key={norm.id} className="norm-past">
                “{norm.text}” — {STATUS_WORDS[norm.status]}
                {norm.retiredAt !== null && ` on ${formatDate(norm.retiredAt)}`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}

function FirstNormCircle(props: { url: string; canAct: boolean; onUse: (text: string) => void }) {
  const start = useStartCircle(props.url)
  const [error, setError] = useState<string | null>(null)
  const begin = async () => {
    try {
      const id = await start({ kind: 'extra' })
      location.hash = circlePath(props.url, id)
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The circle could not start.')
    }
  }
  return (
    <section className="card" aria-labelledby="first-norms-heading">
      <h2 id="first-norms-heading">Your first norm-setting circle</h2>
      <p>
        Norms that are not spoken cannot hold a group. Talk these through together, then propose the
        norms you converge on.
      </p>
      <ul className="plain starter-prompts">
        {STARTER_NORM_PROMPTS.map((p) => (
          <li key={p.id}>
            <h3>{p.topic}</h3>
            <p>{p.prompt}</p>
            <p className="muted">One pod put it: “{p.example}”</p>
            {props.canAct && (
              <button type="button" onClick={() => props.onUse(p.example)}>
                Start a proposal from this
              </button>
            )}
          </li>
        ))}
      </ul>
      {props.canAct && (
        <button type="button" className="primary" onClick={() => void begin()}>
          Start the first norm-setting circle
        </button>
      )}
      <ErrorText error={error} />
    </section>
  )
}

function NormForm(props: {
  url: string
  me: string | null
  initialText: string
  revises: string | null
  onDone?: () => void
}) {
  const { attempt, error } = useAttempt(props.url)
  const [text, setText] = useState(props.initialText)
  const [reason, setReason] = useState('')
  const id = useId()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const me = props.me
    if (me === null) return
    const done = await attempt((doc, ctx) =>
      proposeNorm(doc, { text, reason, proposedBy: me, revises: props.revises }, ctx),
    )
    if (done.ok) {
      setText('')
      setReason('')
      props.onDone?.()
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={`${id}-text`}>{props.revises === null ? 'The norm' : 'Revised text'}</label>
      <textarea id={`${id}-text`} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      <label htmlFor={`${id}-reason`}>Why (optional)</label>
      <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
      <ErrorText error={error} />
      <div className="actions">
        <button type="submit" className="primary">
          {props.revises === null ? 'Propose' : 'Propose the revision'}
        </button>
        {props.onDone !== undefined && (
          <button type="button" onClick={props.onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  )
}

function AdoptedNorm(props: { pod: OpenPod; norm: Norm; me: string | null; canAct: boolean }) {
  const { pod, norm } = props
  const { attempt, error } = useAttempt(pod.url)
  const [revising, setRevising] = useState(false)
  const history = normHistory(pod.view, norm.id)
  return (
    <li className="card norm" data-testid="adopted-norm">
      <p className="norm-text">{norm.text}</p>
      {norm.reason !== null && <p className="muted">Why: {norm.reason}</p>}
      <p className="muted">
        Adopted {norm.adoptedAt === null ? '' : formatDate(norm.adoptedAt)}
        {pendingRevision(pod.view, norm.id) && ' · a revision is being decided'}
      </p>
      {history.length > 1 && (
        <details>
          <summary>How it came to read so ({history.length} versions)</summary>
          <ol>
            {history.map((v) => (
              <li key={v.id}>
                “{v.text}” — {STATUS_WORDS[v.status]}, proposed by{' '}
                {memberName(pod.view, v.proposedBy)} on {formatDate(v.proposedAt)}
              </li>
            ))}
          </ol>
        </details>
      )}
      {props.canAct &&
        (revising ? (
          <NormForm
            url={pod.url}
            me={props.me}
            initialText={norm.text}
            revises={norm.id}
            onDone={() => setRevising(false)}
          />
        ) : (
          <div className="actions">
            <button type="button" onClick={() => setRevising(true)}>
              Revise
            </button>
            <button
              type="button"
              onClick={() => void attempt((doc, ctx) => retireNorm(doc, norm.id, ctx))}
            >
              Retire
            </button>
          </div>
        ))}
      <ErrorText error={error} />
    </li>
  )
}

function pendingRevision(view: PodDoc, normId: string): boolean {
  return Object.values(view.norms).some((n) => n.revises === normId && n.status === 'proposed')
}

function Proposal(props: {
  pod: OpenPod
  norm: Norm
  me: string | null
  now: number
  canAct: boolean
}) {
  const { pod, norm, me, now } = props
  const { view, url } = pod
  const { attempt, error } = useAttempt(url)
  const [revising, setRevising] = useState(false)
  const outcome = roundOutcome(view, norm.id, now)
  const round = currentRound(norm)
  const open = round !== null && round.closedAt === null
  const mine = me === null ? undefined : round?.responses[me]
  const revisesText = norm.revises === null ? null : (view.norms[norm.revises]?.text ?? null)
  const names = (ids: string[]) =>
    ids
      .map((id) => memberName(view, id))
      .sort((x, y) => x.localeCompare(y))
      .join(', ')
  const headingId = `proposal-${norm.id}`
  return (
    <li className="card norm" aria-labelledby={headingId} data-testid="proposal">
      <h3 id={headingId} className="norm-text">
        {norm.text}
      </h3>
      {norm.reason !== null && <p className="muted">Why: {norm.reason}</p>}
      <p className="muted">
        Proposed by {memberName(view, norm.proposedBy)} on {formatDate(norm.proposedAt)}
        {revisesText !== null && ` · revises “${revisesText}”`}
      </p>
      {!outcome.complete ? (
        <p data-testid="round-waiting">
          Waiting for {names(outcome.waitingOnMemberIds)}.{' '}
          {outcome.answeredMemberIds.length > 0 &&
            `Answered so far: ${names(outcome.answeredMemberIds)}. `}
          Answers are shown together once everyone has answered.
        </p>
      ) : (
        <div data-testid="round-responses">
          <h4>Answers{outcome.closed && !norm.adoptedAt ? ' (round closed)' : ''}</h4>
          <ul>
            {Object.entries(outcome.visibleResponses ?? {})
              .sort(([x], [y]) => memberName(view, x).localeCompare(memberName(view, y)))
              .map(([id, record]) => (
                <li key={id} data-testid="round-response">
                  {memberName(view, id)}: {RESPONSE_LABELS[record.response]}
                  {record.reason !== null && ` — “${record.reason}”`}
                </li>
              ))}
          </ul>
          {outcome.adoptable ? (
            <p>No objection stands and consent was given: the norm can be adopted.</p>
          ) : outcome.standingObjections.length > 0 ? (
            <p>An objection stands. A revised proposal can answer it.</p>
          ) : (
            <p>Nobody consented. A revised proposal may find consent.</p>
          )}
        </div>
      )}
      {props.canAct && open && me !== null && view.members[me]?.status === 'active' && (
        <ResponseForm
          key={`${round.id}-${mine?.response ?? 'none'}`}
          url={url}
          normId={norm.id}
          me={me}
          current={mine?.response ?? null}
        />
      )}
      {props.canAct && (
        <div className="actions wrap">
          {outcome.adoptable && (
            <button
              type="button"
              className="primary"
              onClick={() => void attempt((doc, ctx) => settleRound(doc, norm.id, ctx))}
            >
              Adopt this norm
            </button>
          )}
          {open && !outcome.complete && (
            <button
              type="button"
              onClick={() => void attempt((doc, ctx) => closeRound(doc, norm.id, ctx))}
            >
              Close the round now
            </button>
          )}
          {!outcome.adoptable && !revising && (
            <button type="button" onClick={() => setRevising(true)}>
              Propose a revision
            </button>
          )}
          <button
            type="button"
            onClick={() => void attempt((doc, ctx) => withdrawNorm(doc, norm.id, ctx))}
          >
            Withdraw
          </button>
        </div>
      )}
      {revising && (
        <NormForm
          url={url}
          me={me}
          initialText={norm.text}
          revises={norm.id}
          onDone={() => setRevising(false)}
        />
      )}
      <ErrorText error={error} />
    </li>
  )
}

function ResponseForm(props: {
  url: string
  normId: string
  me: string
  current: ConsentResponse | null
}) {
  const { attempt, error } = useAttempt(props.url)
  const [choice, setChoice] = useState<ConsentResponse | null>(props.current)
  const [reason, setReason] = useState('')
  const id = useId()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (choice === null) return
    await attempt((doc, ctx) =>
      respondToNorm(
        doc,
        { normId: props.normId, memberId: props.me, response: choice, reason },
        ctx,
      ),
    )
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="response-form">
      <fieldset className="choice">
        <legend>Your answer</legend>
        {CHOICES.map((c) => (
          <label key={c.value}>
            <input
              type="radio"
              name={`${id}-answer`}
              value={c.value}
              checked={choice === c.value}
              onChange={() => setChoice(c.value)}
            />
            {c.label}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-reason`}>
        {choice === 'object' ? 'Why you object (needed)' : 'A reason (optional)'}
      </label>
      <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
      {props.current !== null && (
        <p className="muted" data-testid="my-answer">
          You answered: {RESPONSE_LABELS[props.current].toLowerCase()}. You can change it while the
          round is open.
        </p>
      )}
      <ErrorText error={error} />
      <button type="submit" className="primary" disabled={choice === null}>
        {props.current === null ? 'Give my answer' : 'Change my answer'}
      </button>
    </form>
  )
}
