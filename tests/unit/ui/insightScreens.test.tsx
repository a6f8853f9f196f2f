// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { act } from 'react'
import { Repo } from '@automerge/automerge-repo'
import { createPodStore } from '../../../src/adapters/automerge/podStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { createNotesTextReader } from '../../../src/adapters/automerge/notesText.ts'
import { createNotesStore } from '../../../src/adapters/automerge/notesStore.ts'
import { next as Automerge } from '@automerge/automerge'
import type { TendServices } from '../../../src/hooks/services.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addContainer } from '../../../src/domain/containers.ts'
import {
  addInsight,
  holdMeeting,
  scheduleMeeting,
  setNotesUrl,
} from '../../../src/domain/meetings.ts'
import { buildSamplePod, mulberry32 } from '../../../src/domain/samplePod.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { KnowledgeScreen } from '../../../src/ui/knowledge/KnowledgeScreen.tsx'
import { RhythmScreen } from '../../../src/ui/rhythm/RhythmScreen.tsx'
import { VitalityScreen } from '../../../src/ui/vitality/VitalityScreen.tsx'
import { useCreateSamplePod } from '../../../src/hooks/useSamplePod.ts'
import { readVitality } from '../../../src/domain/vitality.ts'
import { testContext } from '../support/testContext.ts'
import {
  eventually,
  renderScreen as render,
  typeInto as type,
  unmountScreens,
} from '../support/screens.tsx'

const SAMPLE_NAME = 'Riverside organisers'

// Component tests of the rhythm, knowledge and vitality screens over an in-memory repo: the
// real pod store and notes reader, no IndexedDB, no network.

// A fixed day (a Tuesday), whatever day the tests run: the screens read "now".
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(Date.UTC(2026, 2, 3, 9)))
})
afterEach(() => {
  unmountScreens()
  vi.useRealTimers()
})

interface Saved {
  filename: string
  text: string
  mimeType: string
}

function setUp() {
  const repo = new Repo({ network: [] })
  const rules = new ShareRules('dev')
  const pods = createPodStore(repo, rules)
  const notes = createNotesStore(repo, rules)
  const saved: Saved[] = []
  const services = {
    pods,
    device: { getPod: async () => null, updatePod: async () => {}, subscribe: () => () => {} },
    readNotesText: createNotesTextReader(repo, 300),
    saveTextFile: (filename: string, text: string, mimeType: string) =>
      saved.push({ filename, text, mimeType }),
    context: () => ({ now: Date.now(), newId: () => crypto.randomUUID() }),
  } as unknown as TendServices
  return { repo, pods, notes, services, saved }
}

function button(host: HTMLElement, name: string): HTMLButtonElement {
  const found = [...host.querySelectorAll('button')].find((b) => b.textContent === name)
  if (found === undefined) throw new Error(`no button ${name}`)
  return found
}

/** A pod with one held circle: an insight, and notes in their own document. */
async function podWithNotes(setup: ReturnType<typeof setUp>) {
  const ctx = testContext(Date.now() - 30 * 86_400_000)
  const { url, result: meeting } = await setup.pods.create((doc: PodDoc) => {
    const founder = initPod(
      doc,
      {
        name: 'Friday pod',
        purpose: '',
        kind: 'learning-pod',
        founder: { name: 'Amara', stage: 'experienced' },
        device: null,
      },
      ctx,
    )
    const circle = addContainer(
      doc,
      { kind: 'circle', weekday: 5, time: '18:00', timeZone: 'Europe/Berlin' },
      ctx,
    )
    const meeting = scheduleMeeting(
      doc,
      { containerId: circle, scheduledFor: ctx.now + 86_400_000, notesUrl: null },
      ctx,
    )
    addInsight(
      doc,
      meeting,
      { kind: 'tension', text: 'Who holds the power here?', tags: ['power'], authorId: founder },
      ctx,
    )
    holdMeeting(doc, meeting, ctx)
    return meeting
  })
  // The notes, as the circle screen makes them: the meeting's own document, then its link.
  const notesUrl = await setup.notes.create(url, { meetingId: meeting, podId: 'p' })
  const handle = await setup.repo.find<{ text: string }>(notesUrl as never)
  handle.change((d) =>
    Automerge.splice(d, ['text'], 0, 0, 'We talked about zeppelin courage.\nAnd <b>not</b> HTML.'),
  )
  await setup.pods.change(url, (doc) => setNotesUrl(doc, meeting, notesUrl))
  return url
}

describe('KnowledgeScreen', () => {
  it('searches insights and notes from their own document, highlighting as text', async () => {
    const setup = setUp()
    const url = await podWithNotes(setup)
    const host = render(setup.services, <KnowledgeScreen url={url} />)
    const search = await eventually(() => host.querySelector<HTMLInputElement>('#knowledge-search'))
    type(search, 'zeppelin')
    const results = await eventually(() => {
      const found = host.querySelectorAll('[data-testid=search-result]')
      return found.length > 0 ? [...found] : null
    })
    expect(results).toHaveLength(1)
    expect(results[0]?.textContent).toContain('Notes · Circle')
    expect([...host.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['zeppelin'])
    expect(host.querySelector('.result-text b')).toBeNull()

    type(search, 'power')
    await eventually(() =>
      host.querySelector('[data-testid=search-result]')?.textContent?.includes('Tension')
        ? true
        : null,
    )
  })

  it('exports the knowledge as Markdown with the notes', async () => {
    const setup = setUp()
    const url = await podWithNotes(setup)
    const host = render(setup.services, <KnowledgeScreen url={url} />)
    await eventually(() => (host.textContent?.includes('Export as Markdown') ? true : null))
    await eventually(() =>
      [...host.querySelectorAll('button')].some((b) => b.textContent === 'Export as Markdown')
        ? true
        : null,
    )
    act(() => button(host, 'Export as Markdown').click())
    expect(setup.saved).toHaveLength(1)
    expect(setup.saved[0]?.filename).toBe('friday-pod-knowledge.md')
    expect(setup.saved[0]?.mimeType).toBe('text/markdown')
    expect(setup.saved[0]?.text).toContain('# Friday pod')
    expect(setup.saved[0]?.text).toContain('We talked about zeppelin courage.')
    expect(setup.saved[0]?.text).toContain('Who holds the power here?')
  })
})

describe('RhythmScreen', () => {
  it('offers the rhythm as an .ics file', async () => {
    const setup = setUp()
    const url = await podWithNotes(setup)
    const host = render(setup.services, <RhythmScreen url={url} />)
    await eventually(() => host.querySelector('[data-testid=container]'))
    act(() => button(host, 'Download calendar (.ics)').click())
    expect(setup.saved[0]?.mimeType).toBe('text/calendar')
    expect(setup.saved[0]?.filename).toBe('friday-pod.ics')
    expect(setup.saved[0]?.text).toMatch(/^BEGIN:VCALENDAR\r\n/)
    expect(setup.saved[0]?.text).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=FR')
  })
})

describe('VitalityScreen', () => {
  it('shows the sample pod’s risks with evidence, and charts with text alternatives', async () => {
    const setup = setUp()
    const ctx = setup.services.context()
    const sample = {} as PodDoc
    buildSamplePod(sample, {
      start: ctx.now - (104 * 7 + 2) * 86_400_000,
      rng: mulberry32(7),
      newId: ctx.newId,
    })
    const { url } = await setup.pods.create((doc: PodDoc) => Object.assign(doc, sample))
    const host = render(setup.services, <VitalityScreen url={url} />)
    await eventually(() => host.querySelector('[data-testid=risk]'), 20_000)
    const risks = [...host.querySelectorAll('[data-testid=risk] h3')].map((h) => h.textContent)
    expect(risks).toContain('Rhythm decay')
    for (const risk of host.querySelectorAll('[data-testid=risk]')) {
      expect(risk.querySelectorAll('.evidence li').length).toBeGreaterThan(0)
    }
    const charts = [...host.querySelectorAll('svg[role=img]')]
    expect(charts).toHaveLength(3)
    for (const chart of charts) {
      const [titleId, descId] = (chart.getAttribute('aria-labelledby') ?? '').split(' ')
      expect(chart.querySelector('title')?.id).toBe(titleId)
      expect(chart.querySelector('desc')?.id).toBe(descId)
      expect(chart.querySelector('desc')?.textContent?.length).toBeGreaterThan(20)
      expect(
        chart.closest('figure')?.querySelector('table.visually-hidden tbody tr'),
      ).not.toBeNull()
    }
    // Evidence, not a leaderboard: the participation table is in name order.
    const names = [...host.querySelectorAll('[data-testid=signal-participation] tbody th')].map(
      (th) => th.textContent ?? '',
    )
    expect(names.length).toBeGreaterThan(2)
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
  }, 30_000)
})

describe('useCreateSamplePod', () => {
  it('creates the two-year sample pod as a new pod document and lists it on this device', async () => {
    const setup = setUp()
    const listed: { url: string; name: string; memberId: string | null }[] = []
    const services = {
      ...setup.services,
      device: { putPod: async (entry: (typeof listed)[number]) => void listed.push(entry) },
      newSecret: () => 'secret',
      defaultConnection: async () => ({ signalingUrls: [], iceServers: [], iceEndpoint: null }),
    } as unknown as TendServices
    let create: (() => Promise<string>) | null = null
    function Probe() {
      create = useCreateSamplePod()
      return null
    }
    render(services, <Probe />)
    const run = await eventually(() => create)
    const url = await run()
    expect(listed).toEqual([expect.objectContaining({ url, name: SAMPLE_NAME, memberId: null })])
    const view = setup.pods.peek(url)
    expect(view?.pod.name).toBe(SAMPLE_NAME)
    expect(Object.keys(view?.meetings ?? {}).length).toBeGreaterThan(100)
    const reading = readVitality(view as PodDoc, Date.now())
    expect(reading.risks.map((r) => r.risk)).toContain('rhythm-decay')
  }, 30_000)
})
