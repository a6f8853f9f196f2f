/**
 * Full-text search over a pod's institutional memory — its insights and its meetings' notes —
 * with MiniSearch, in memory, so it works offline. The index is rebuilt from the record when
 * the record changes (a pod's knowledge is small: thousands of entries, not millions); nothing
 * about it is stored or synced.
 *
 * Matching: every query word must match (AND), as a prefix ("facil" finds "facilitator") and
 * with a little fuzziness for typos in longer words. Results carry the words that matched so a
 * screen can highlight them in the text (as text, never as HTML).
 */
import MiniSearch from 'minisearch'
import type { InsightKind } from '../../schema/podDocument.ts'

/** One searchable entry: an insight, or one meeting's notes. */
export type KnowledgeEntry =
  | {
      type: 'insight'
      /** The insight's id. */
      id: string
      meetingId: string
      at: number
      text: string
      kind: InsightKind
      tags: string[]
      authorName: string
    }
  | {
      type: 'notes'
      /** The meeting's id. */
      id: string
      meetingId: string
      at: number
      text: string
      meetingName: string
    }

export interface KnowledgeHit {
  entry: KnowledgeEntry
  /** The words of the entry that matched, lower-case, for highlighting. */
  terms: string[]
  score: number
}

export interface KnowledgeIndex {
  size: number
  search(query: string, limit?: number): KnowledgeHit[]
}

interface Indexed {
  key: string
  text: string
  tags: string
}

/** Builds the search index over `entries`. */
export function buildKnowledgeIndex(entries: readonly KnowledgeEntry[]): KnowledgeIndex {
  const byKey = new Map<string, KnowledgeEntry>()
  const search = new MiniSearch<Indexed>({
    idField: 'key',
    fields: ['text', 'tags'],
    searchOptions: {
      combineWith: 'AND',
      prefix: true,
      fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      boost: { tags: 1.5 },
    },
  })
  const docs: Indexed[] = []
  for (const entry of entries) {
    const key = `${entry.type}:${entry.id}`
    if (byKey.has(key) || entry.text.trim() === '') continue
    byKey.set(key, entry)
    docs.push({ key, text: entry.text, tags: entry.type === 'insight' ? entry.tags.join(' ') : '' })
  }
  search.addAll(docs)
  return {
    size: docs.length,
    search(query, limit = 50) {
      if (query.trim() === '') return []
      const hits: KnowledgeHit[] = []
      for (const result of search.search(query)) {
        const entry = byKey.get(String(result.id))
        if (entry === undefined) continue
        hits.push({
          entry,
          terms: [...new Set(result.terms.map((t) => t.toLowerCase()))],
          score: result.score,
        })
        if (hits.length >= limit) break
      }
      return hits
    },
  }
}

/** A piece of text, marked when it is one of the matched words. */
export interface TextSegment {
  text: string
  match: boolean
}

const WORD = /[\p{L}\p{N}_'’-]+/gu

/**
 * Splits `text` into plain and matched segments: a word matches when it (lower-cased) is one of
 * `terms`. MiniSearch reports the indexed words that matched, so this mirrors its tokenizer
 * closely enough for highlighting. The segments joined give back `text` exactly.
 */
export function highlightSegments(text: string, terms: readonly string[]): TextSegment[] {
  const wanted = new Set(terms.map((t) => t.toLowerCase()))
  const out: TextSegment[] = []
  let last = 0
  const push = (piece: string, match: boolean) => {
    if (piece === '') return
    const prev = out[out.length - 1]
    if (prev !== undefined && prev.match === match) prev.text += piece
    else out.push({ text: piece, match })
  }
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0
    const word = m[0]
    // MiniSearch splits on punctuation too: match the word or any of its parts.
    const parts = word.toLowerCase().split(/['’_-]+/)
    const match = wanted.has(word.toLowerCase()) || parts.some((p) => wanted.has(p))
    if (!match) continue
    push(text.slice(last, start), false)
    push(word, true)
    last = start + word.length
  }
  push(text.slice(last), false)
  return out
}

/**
 * A window of `text` around its first matched word, at most about `size` characters, with an
 * ellipsis where it was cut — for long notes in a result list.
 */
export function snippetAround(text: string, terms: readonly string[], size = 240): string {
  if (text.length <= size) return text
  const segments = highlightSegments(text, terms)
  let offset = 0
  for (const s of segments) {
    if (s.match) break
    offset += s.text.length
  }
  if (offset >= text.length) offset = 0
  const start = Math.max(0, offset - Math.floor(size / 3))
  const end = Math.min(text.length, start + size)
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`
}
