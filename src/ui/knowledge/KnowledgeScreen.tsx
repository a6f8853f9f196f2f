import { useDeferredValue, useEffect, useState } from 'react'
import type { InsightKind, PodDoc } from '../../schema/podDocument.ts'
import {
  allInsights,
  exportJson,
  exportMarkdown,
  insightTags,
  questionBank,
  recurringTensions,
  type InsightEntry,
} from '../../domain/knowledge.ts'
import { snippetAround } from '../../adapters/search/knowledgeSearch.ts'
import { fileNameFrom } from '../../adapters/files/download.ts'
import { useKnowledgeIndex, useNotesTexts } from '../../hooks/useKnowledge.ts'
import { useServices } from '../../hooks/services.ts'
import { PodScreenFrame } from '../common/PodScreenFrame.tsx'
import { formatDate } from '../common/labels.ts'
import { Highlighted } from './Highlighted.tsx'

export const INSIGHT_KIND_LABELS: Record<InsightKind, string> = {
  learning: 'Learning',
  tension: 'Tension',
  breakthrough: 'Breakthrough',
  question: 'Question',
}

const KINDS = Object.keys(INSIGHT_KIND_LABELS) as InsightKind[]

/** How many insights the list shows before "show more". */
const PAGE = 30

/**
 * The pod's institutional memory (pattern.md, Sections 5 and 7): every insight, by kind and
 * tag; the tensions that keep coming back; the questions that led to breakthroughs; a search
 * over insights and notes; and a Markdown export readable without Tend.
 */
export function KnowledgeScreen(props: { url: string }) {
  return (
    <PodScreenFrame url={props.url} title="What we have learned">
      {(view) => <Knowledge view={view} />}
    </PodScreenFrame>
  )
}

function Knowledge(props: { view: PodDoc }) {
  const { view } = props
  const notes = useNotesTexts(view)
  return (
    <>
      <Search view={view} notes={notes.notes} reloadNotes={notes.reload} />
      <Insights view={view} />
      <Tensions view={view} />
      <QuestionBank view={view} />
      <Export view={view} notes={notes.notes} loading={notes.loading} />
    </>
  )
}

function Search(props: { view: PodDoc; notes: Record<string, string>; reloadNotes: () => void }) {
  const { reloadNotes } = props
  const [query, setQuery] = useState('')
  const deferred = useDeferredValue(query)
  const index = useKnowledgeIndex(props.view, props.notes)
  // Notes change without the pod changing: read them again when someone searches.
  useEffect(() => {
    if (deferred.trim() === '') return
    const timer = setTimeout(reloadNotes, 300)
    return () => clearTimeout(timer)
  }, [deferred, reloadNotes])
  const hits = index.search(deferred)
  return (
    <section aria-labelledby="search-heading" role="search">
      <h2 id="search-heading">Search</h2>
      <label htmlFor="knowledge-search">Search insights and notes</label>
      <input
        id="knowledge-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
      />
      {deferred.trim() !== '' && (
        <>
          <p role="status" className="muted">
            {hits.length === 0
              ? `Nothing found for “${deferred.trim()}”.`
              : `${hits.length} found${hits.length === 50 ? ' (the first 50)' : ''}.`}
          </p>
          <ul className="plain results" aria-label="Search results">
            {hits.map((hit) => (
              <li
                key={`${hit.entry.type}-${hit.entry.id}`}
                className="card"
                data-testid="search-result"
              >
                <p className="muted">
                  {hit.entry.type === 'insight'
                    ? `${INSIGHT_KIND_LABELS[hit.entry.kind]} · ${hit.entry.authorName} · ${formatDate(hit.entry.at)}`
                    : `Notes · ${hit.entry.meetingName} · ${formatDate(hit.entry.at)}`}
                </p>
                <p className="result-text">
                  <Highlighted text={snippetAround(hit.entry.text, hit.terms)} terms={hit.terms} />
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function InsightItem(props: { entry: InsightEntry }) {
  const { insight } = props.entry
  return (
    <li className="card insight" data-testid="insight">
      <p className="muted">
        {INSIGHT_KIND_LABELS[insight.kind]} · {props.entry.authorName} ·{' '}
        {formatDate(props.entry.meetingAt)}
      </p>
      <p>{insight.text}</p>
      {insight.tags.length > 0 && (
        <p className="tags">
          {insight.tags.map((t) => (
            <span key={t} className="tag">
              #{t}
            </span>
          ))}
        </p>
      )}
    </li>
  )
}

function Insights(props: { view: PodDoc }) {
  const [kind, setKind] = useState<InsightKind | ''>('')
  const [tag, setTag] = useState('')
  const [shown, setShown] = useState(PAGE)
  const tags = insightTags(props.view)
  const list = allInsights(props.view, {
    ...(kind === '' ? {} : { kind }),
    ...(tag === '' ? {} : { tag }),
  }).reverse()
  return (
    <section aria-labelledby="insights-heading">
      <h2 id="insights-heading">Insights</h2>
      <div className="filters">
        <div>
          <label htmlFor="insight-kind">Kind</label>
          <select
            id="insight-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as InsightKind | '')
              setShown(PAGE)
            }}
          >
            <option value="">All kinds</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {INSIGHT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="insight-tag">Tag</label>
          <select
            id="insight-tag"
            value={tag}
            onChange={(e) => {
              setTag(e.target.value)
              setShown(PAGE)
            }}
          >
            <option value="">All tags</option>
            {tags.map((t) => (
              <option key={t.tag} value={t.tag}>
                #{t.tag} ({t.count})
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted" role="status" data-testid="insight-count">
        {list.length === 0
          ? 'No insights match.'
          : `${list.length} insight${list.length === 1 ? '' : 's'}, newest first.`}
      </p>
      <ul className="plain">
        {list.slice(0, shown).map((e) => (
          <InsightItem key={e.insight.id} entry={e} />
        ))}
      </ul>
      {list.length > shown && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show more insights
        </button>
      )}
    </section>
  )
}

function Tensions(props: { view: PodDoc }) {
  const tensions = recurringTensions(props.view)
  return (
    <section aria-labelledby="tensions-heading">
      <h2 id="tensions-heading">Tensions that recur</h2>
      <p className="muted">
        The same tension named in several meetings: something the group has not yet held together —
        worth naming at the next circle.
      </p>
      {tensions.length === 0 ? (
        <p>No tension has come back in a second meeting yet.</p>
      ) : (
        <ul className="plain">
          {tensions.map((t) => (
            <li key={t.tag} className="card" data-testid="recurring-tension">
              <h3>
                #{t.tag}{' '}
                <span className="muted">
                  in {t.occurrences.length} meetings, last {formatDate(t.lastAt)}
                </span>
              </h3>
              <details>
                <summary>When it came up</summary>
                <ul>
                  {t.dates.map((d, i) => (
                    <li key={`${d}-${i}`}>{formatDate(d)}</li>
                  ))}
                </ul>
              </details>
              <p>“{t.tensions[t.tensions.length - 1]?.insight.text}”</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function QuestionBank(props: { view: PodDoc }) {
  const bank = questionBank(props.view)
  return (
    <section aria-labelledby="questions-heading">
      <h2 id="questions-heading">Question bank</h2>
      <p className="muted">Questions that led to breakthroughs, to ask again in another circle.</p>
      {bank.length === 0 ? (
        <p>No question has been linked to a breakthrough yet.</p>
      ) : (
        <ul className="plain">
          {bank.map((b) => (
            <li key={b.question.insight.id} className="card" data-testid="banked-question">
              <p>
                <strong>{b.question.insight.text}</strong>
              </p>
              <p className="muted">
                Asked by {b.question.authorName} on {formatDate(b.question.meetingAt)}; it led to
                this breakthrough on {formatDate(b.breakthrough.meetingAt)}:
              </p>
              <p>“{b.breakthrough.insight.text}”</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Export(props: { view: PodDoc; notes: Record<string, string>; loading: boolean }) {
  const services = useServices()
  const download = () => {
    const markdown = exportMarkdown(props.view, props.notes)
    services.saveTextFile(
      fileNameFrom(`${props.view.pod.name} knowledge`, 'md'),
      markdown,
      'text/markdown',
    )
  }
  const downloadJson = () =>
    services.saveTextFile(
      fileNameFrom(props.view.pod.name, 'json'),
      exportJson(props.view, props.notes),
      'application/json',
    )
  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">Keep it outside Tend</h2>
      <p className="muted">
        The pod's norms, pairings and every meeting with its notes and insights, as a Markdown file
        anyone can read; or everything the pod holds, as JSON for other tools.
      </p>
      <button type="button" className="primary" onClick={download}>
        {props.loading ? 'Export as Markdown (notes still loading)' : 'Export as Markdown'}
      </button>{' '}
      <button type="button" onClick={downloadJson}>
        {props.loading ? 'Export as JSON (notes still loading)' : 'Export as JSON'}
      </button>
    </section>
  )
}
