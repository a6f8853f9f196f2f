import { useId, useState, type FormEvent } from 'react'
import type { PodDoc, PodFormat, PodFormatStep } from '../../schema/podDocument.ts'
import { CIRCLE_FORMATS, formatMinutes } from '../../domain/circleFormats.ts'
import {
  addFormatStep,
  asCircleFormat,
  copyFormat,
  moveFormatStep,
  orderedSteps,
  podFormats,
  removeFormatStep,
  retireFormat,
  updateFormat,
  updateFormatStep,
} from '../../domain/podFormats.ts'
import { BackToPod, PodGate, type OpenPod } from '../circle/PodGate.tsx'
import { ErrorText, useAttempt } from '../circle/attempt.tsx'
import { formatsPath } from '../circle/practicePaths.ts'

/**
 * A pod's circle formats: the templates, the pod's own copies, and an editor for one copy.
 * Circle mode offers the pod's formats beside the templates.
 */
export function FormatsScreen(props: { url: string; formatId: string | null }) {
  return (
    <PodGate url={props.url}>
      {(pod) =>
        props.formatId === null ? (
          <FormatList {...pod} />
        ) : (
          <FormatEditor pod={pod} formatId={props.formatId} />
        )
      }
    </PodGate>
  )
}

function FormatList(pod: OpenPod) {
  const { url, view, readOnly } = pod
  const { attempt, error } = useAttempt(url)
  const ours = podFormats(view)
  const copy = async (sourceId: string) => {
    const id = await attempt((doc, ctx) => copyFormat(doc, sourceId, ctx))
    if (id.ok) window.location.assign(formatsPath(url, id.value))
  }
  return (
    <>
      <BackToPod url={url} name={view.pod.name} />
      <h1>Circle formats</h1>
      <p className="muted">
        A format is how a circle runs: timed steps, with a cue for whoever holds each role. Make a
        copy of a template to shape it to your pod; circle mode offers your formats beside the
        templates.
      </p>
      <ErrorText error={error} />
      <section className="card" aria-labelledby="our-formats-heading">
        <h2 id="our-formats-heading">Our formats</h2>
        {ours.length === 0 ? (
          <p>None yet. Copy a template below to make one.</p>
        ) : (
          <ul className="format-list">
            {ours.map((f) => (
              <li key={f.id}>
                <a href={formatsPath(url, f.id)}>{f.name}</a>{' '}
                <span className="muted">{describe(asCircleFormat(f).steps.length, f)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="templates-heading">
        <h2 id="templates-heading">Templates</h2>
        <ul className="format-list">
          {CIRCLE_FORMATS.map((f) => (
            <li key={f.id}>
              <strong>{f.name}</strong>{' '}
              <span className="muted">
                {f.steps.length} steps · {formatMinutes(f)} min
              </span>
              <p className="muted">{f.summary}</p>
              {!readOnly && (
                <button
                  type="button"
                  onClick={() => void copy(f.id)}
                  aria-label={`Make our own copy of ${f.name}`}
                >
                  Make our own copy
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}

function describe(stepCount: number, format: PodFormat): string {
  const minutes = Object.values(format.steps).reduce((sum, s) => sum + s.minutes, 0)
  return `${stepCount} steps · ${minutes} min`
}

function FormatEditor(props: { pod: OpenPod; formatId: string }) {
  const { url, view, readOnly } = props.pod
  const format = view.formats[props.formatId]
  const { attempt, error } = useAttempt(url)
  if (format === undefined) {
    return (
      <>
        <p className="back-link">
          <a href={formatsPath(url)}>← Circle formats</a>
        </p>
        <h1>Format</h1>
        <p>
          This format is not on this device yet. It arrives when a member who has it is connected.
        </p>
      </>
    )
  }
  const steps = orderedSteps(format)
  const retire = async () => {
    const done = await attempt((doc, ctx) => retireFormat(doc, format.id, ctx))
    if (done.ok) window.location.assign(formatsPath(url))
  }
  return (
    <>
      <p className="back-link">
        <a href={formatsPath(url)}>← Circle formats</a>
      </p>
      <h1>{format.name}</h1>
      <p className="muted">
        {describe(steps.length, format)}
        {format.retiredAt !== null && ' · retired: circles that ran it still show it'}
      </p>
      {readOnly || format.retiredAt !== null ? (
        <ol className="steps" data-testid="format-editor-steps">
          {steps.map((s) => (
            <li key={s.id}>
              {s.title} <span className="muted">· {s.minutes} min</span>
            </li>
          ))}
        </ol>
      ) : (
        <>
          <FormatFacts url={url} format={format} />
          <h2 id="steps-heading">Steps</h2>
          <ol className="step-editors" aria-labelledby="steps-heading">
            {steps.map((s, i) => (
              <StepEditor
                key={s.id}
                url={url}
                formatId={format.id}
                step={s}
                number={i + 1}
                first={i === 0}
                last={i === steps.length - 1}
                only={steps.length === 1}
              />
            ))}
          </ol>
          <AddStep url={url} formatId={format.id} afterStepId={steps.at(-1)?.id ?? null} />
          <ErrorText error={error} />
          <button type="button" onClick={() => void retire()}>
            Retire this format
          </button>
        </>
      )}
    </>
  )
}

/** The format's name and summary. */
function FormatFacts(props: { url: string; format: PodFormat }) {
  const { attempt, error } = useAttempt(props.url)
  const [name, setName] = useState(props.format.name)
  const [summary, setSummary] = useState(props.format.summary)
  const [saved, setSaved] = useState(false)
  const id = useId()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    const done = await attempt((doc, ctx) =>
      updateFormat(doc, props.format.id, { name, summary }, ctx),
    )
    if (done.ok) setSaved(true)
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-label="Name">
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${id}-summary`}>What it is for</label>
      <textarea
        id={`${id}-summary`}
        rows={2}
        value={summary}
        onChange={(e) => setSummary(e.target.value)}
      />
      <ErrorText error={error} />
      {saved && <p role="status">Saved.</p>}
      <button type="submit" className="primary">
        Save name
      </button>
    </form>
  )
}

interface StepDraft {
  title: string
  minutes: string
  roleCue: string
  speakerMinutes: string
}

function draftOf(step: PodFormatStep): StepDraft {
  return {
    title: step.title,
    minutes: String(step.minutes),
    roleCue: step.roleCue ?? '',
    speakerMinutes: step.speakerMinutes === null ? '' : String(step.speakerMinutes),
  }
}

/**
 * One step: its title, minutes, minutes per speaker and role cue, saved together; moved up or
 * down, or removed. An edit that arrives from another member replaces the fields unless this
 * member has unsaved changes in them.
 */
function StepEditor(props: {
  url: string
  formatId: string
  step: PodFormatStep
  number: number
  first: boolean
  last: boolean
  only: boolean
}) {
  const { step, formatId } = props
  const { attempt, error } = useAttempt(props.url)
  const stored = draftOf(step)
  const [draft, setDraft] = useState(stored)
  const [dirty, setDirty] = useState(false)
  const [saved, setSaved] = useState(false)
  // Another member's edit replaces the fields, unless this member is mid-edit.
  const storedKey = JSON.stringify(stored)
  const [shown, setShown] = useState(storedKey)
  if (storedKey !== shown && !dirty) {
    setShown(storedKey)
    setDraft(stored)
  }
  const id = useId()
  const edit = (patch: Partial<StepDraft>) => {
    setDraft((d) => ({ ...d, ...patch }))
    setDirty(true)
    setSaved(false)
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const done = await attempt((doc, ctx) =>
      updateFormatStep(
        doc,
        formatId,
        step.id,
        {
          title: draft.title,
          minutes: draft.minutes.trim() === '' ? Number.NaN : Number(draft.minutes),
          roleCue: draft.roleCue,
          speakerMinutes: draft.speakerMinutes.trim() === '' ? null : Number(draft.speakerMinutes),
        },
        ctx,
      ),
    )
    if (done.ok) {
      setDirty(false)
      setSaved(true)
    }
  }
  const label = `step ${props.number}, ${step.title}`
  return (
    <li className="card step-editor" data-testid="step-editor">
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={`Step ${props.number}`}>
        <label htmlFor={`${id}-title`}>Step {props.number}</label>
        <input
          id={`${id}-title`}
          value={draft.title}
          onChange={(e) => edit({ title: e.target.value })}
        />
        <div className="field-row">
          <div>
            <label htmlFor={`${id}-minutes`}>Minutes</label>
            <input
              id={`${id}-minutes`}
              type="number"
              inputMode="numeric"
              min={1}
              max={240}
              value={draft.minutes}
              onChange={(e) => edit({ minutes: e.target.value })}
            />
          </div>
          <div>
            <label htmlFor={`${id}-speaker`}>Minutes per speaker</label>
            <input
              id={`${id}-speaker`}
              type="number"
              inputMode="numeric"
              min={1}
              max={60}
              placeholder="open"
              aria-describedby={`${id}-speaker-help`}
              value={draft.speakerMinutes}
              onChange={(e) => edit({ speakerMinutes: e.target.value })}
            />
          </div>
        </div>
        <p id={`${id}-speaker-help`} className="muted">
          Leave minutes per speaker empty for an open step; fill it for a round in talking-piece
          order.
        </p>
        <label htmlFor={`${id}-cue`}>Cue for a role holder</label>
        <input
          id={`${id}-cue`}
          value={draft.roleCue}
          placeholder="Timekeeper: …"
          onChange={(e) => edit({ roleCue: e.target.value })}
        />
        <ErrorText error={error} />
        {saved && <p role="status">Step saved.</p>}
        <div className="actions wrap">
          <button type="submit" className="primary" disabled={!dirty}>
            Save step
          </button>
          <button
            type="button"
            disabled={props.first}
            aria-label={`Move ${label} earlier`}
            onClick={() =>
              void attempt((doc, ctx) => moveFormatStep(doc, formatId, step.id, -1, ctx))
            }
          >
            ↑ Earlier
          </button>
          <button
            type="button"
            disabled={props.last}
            aria-label={`Move ${label} later`}
            onClick={() =>
              void attempt((doc, ctx) => moveFormatStep(doc, formatId, step.id, 1, ctx))
            }
          >
            ↓ Later
          </button>
          <button
            type="button"
            disabled={props.only}
            aria-label={`Remove ${label}`}
            onClick={() =>
              void attempt((doc, ctx) => removeFormatStep(doc, formatId, step.id, ctx))
            }
          >
            Remove
          </button>
        </div>
      </form>
    </li>
  )
}

function AddStep(props: { url: string; formatId: string; afterStepId: string | null }) {
  const { attempt, error } = useAttempt(props.url)
  const [title, setTitle] = useState('')
  const id = useId()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const added = await attempt((doc, ctx) =>
      addFormatStep(doc, props.formatId, props.afterStepId, title, ctx),
    )
    if (added.ok) setTitle('')
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-label="Add a step">
      <label htmlFor={`${id}-title`}>A new step, at the end</label>
      <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
      <p className="muted">
        It starts as five minutes of open discussion; move it and set it above.
      </p>
      <ErrorText error={error} />
      <button type="submit" className="primary">
        Add step
      </button>
    </form>
  )
}

/** The pod's own formats and the templates, for circle mode's format picker. */
export function formatChoices(view: PodDoc): {
  ours: { id: string; name: string }[]
  templates: { id: string; name: string }[]
} {
  return {
    ours: podFormats(view).map((f) => ({ id: f.id, name: f.name })),
    templates: CIRCLE_FORMATS.map((f) => ({ id: f.id, name: f.name })),
  }
}
