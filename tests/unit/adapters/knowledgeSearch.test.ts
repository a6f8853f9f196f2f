import { describe, expect, it } from 'vitest'
import {
  buildKnowledgeIndex,
  highlightSegments,
  snippetAround,
  type KnowledgeEntry,
} from '../../../src/adapters/search/knowledgeSearch.ts'

const entries: KnowledgeEntry[] = [
  {
    type: 'insight',
    id: 'i1',
    meetingId: 'm1',
    at: 1,
    text: 'Power maps help us see who decides.',
    kind: 'learning',
    tags: ['power'],
    authorName: 'Amara',
  },
  {
    type: 'insight',
    id: 'i2',
    meetingId: 'm2',
    at: 2,
    text: 'The facilitator keeps answering for everyone.',
    kind: 'tension',
    tags: ['facilitation'],
    authorName: 'Bo',
  },
  {
    type: 'notes',
    id: 'm2',
    meetingId: 'm2',
    at: 2,
    text: 'Long notes.\nWe talked about zeppelin courage and peer-to-peer coaching.',
    meetingName: 'Circle',
  },
  { type: 'notes', id: 'm3', meetingId: 'm3', at: 3, text: '   ', meetingName: 'Circle' },
]

describe('knowledge search', () => {
  const index = buildKnowledgeIndex(entries)

  it('indexes insights and notes (not empty notes) and finds words in either', () => {
    expect(index.size).toBe(3)
    expect(index.search('zeppelin').map((h) => h.entry.id)).toEqual(['m2'])
    expect(index.search('power').map((h) => h.entry.id)).toEqual(['i1'])
    expect(index.search('')).toEqual([])
  })

  it('matches prefixes, forgives a typo in a long word, and needs every word', () => {
    expect(index.search('facil').map((h) => h.entry.id)).toContain('i2')
    expect(index.search('facilitatr').map((h) => h.entry.id)).toContain('i2')
    expect(index.search('zeppelin power')).toEqual([])
    expect(index.search('zeppelin courage').map((h) => h.entry.id)).toEqual(['m2'])
  })

  it('reports the matched words for highlighting', () => {
    const [hit] = index.search('zepp')
    expect(hit?.terms).toEqual(['zeppelin'])
  })
})

describe('highlightSegments', () => {
  it('marks matched words and gives back the text exactly', () => {
    const text = 'Power, and more POWER: powerful?'
    const segments = highlightSegments(text, ['power'])
    expect(segments.map((s) => s.text).join('')).toBe(text)
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['Power', 'POWER'])
  })

  it('marks a part of a hyphenated word as MiniSearch splits it', () => {
    const segments = highlightSegments('peer-to-peer coaching', ['coaching', 'peer'])
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['peer-to-peer', 'coaching'])
  })

  it('keeps markup as plain text', () => {
    const text = '<img src=x onerror=alert(1)> power'
    const segments = highlightSegments(text, ['power'])
    expect(segments).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'power', match: true },
    ])
  })
})

describe('snippetAround', () => {
  it('cuts long text around the first match, with ellipses', () => {
    const text = `${'a '.repeat(300)}needle ${'b '.repeat(300)}`
    const snippet = snippetAround(text, ['needle'], 100)
    expect(snippet).toContain('needle')
    expect(snippet.startsWith('…')).toBe(true)
    expect(snippet.endsWith('…')).toBe(true)
    expect(snippet.length).toBeLessThanOrEqual(102)
  })

  it('leaves short text alone', () => {
    expect(snippetAround('short needle', ['needle'])).toBe('short needle')
  })
})
