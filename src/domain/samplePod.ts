import type { Attendance, InsightKind, JourneyStage, PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { addContainer } from './containers.ts'
import {
  addAction,
  addCheckIn,
  addInsight,
  completeAction,
  holdMeeting,
  linkInsight,
  scheduleMeeting,
  setAttendance,
} from './meetings.ts'
import { addMember, setMemberStatus, updateMember } from './members.ts'
import { proposeNorm, respondToNorm, settleRound } from './norms.ts'
import { proposePairings, startRotation } from './pairings.ts'
import { initPod } from './pods.ts'
import { occurrences, rescheduleMeeting, skipMeeting, zonedDateTime } from './rhythm.ts'

/**
 * A sample pod with two years of history — members joining and leaving, a healthy first year
 * and a drifting second — built only through the domain commands, so it is a true record: the
 * "explore a sample pod" button, the README's screenshots and the benchmarks all read it.
 * Deterministic for a given `start`, `rng` and `newId`.
 */

/**
 * mulberry32: a small, fast, seeded pseudo-random generator (public domain, by Tommy Ettinger).
 * Returns numbers in [0, 1). The domain reads no randomness of its own; pass this in.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SamplePodOptions {
  /** When the pod starts (epoch ms); the first circle is the first slot after it. */
  start: number
  /** A seeded random source, e.g. `mulberry32(7)`. */
  rng: () => number
  newId: () => string
  /** The circle's time zone; Europe/Berlin unless given. */
  timeZone?: string
}

export interface SamplePod {
  founderId: string
  /** Member ids by first name. */
  memberIds: Record<string, string>
  circleId: string
  allHandsId: string
  officeHoursId: string
  /** The first and last circle slots, and the end of year one (just after its last circle). */
  firstCircle: number
  yearOneEnd: number
  /** Just after the last circle: "now" for the finished sample. */
  end: number
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const WEEKS = 104

interface Person {
  first: string
  name: string
  stage: JourneyStage
  joinWeek: number
  /** [week, status] changes, in order. */
  changes: [number, 'active' | 'paused' | 'left'][]
}

const PEOPLE: readonly Person[] = [
  { first: 'Ben', name: 'Ben Adeyemi', stage: 'practising', joinWeek: 0, changes: [[78, 'left']] },
  { first: 'Chen', name: 'Chen Wei', stage: 'newer', joinWeek: 0, changes: [[92, 'paused']] },
  {
    first: 'Dana',
    name: 'Dana Kowalski',
    stage: 'practising',
    joinWeek: 0,
    changes: [[24, 'left']],
  },
  {
    first: 'Eli',
    name: 'Eli Romero',
    stage: 'newer',
    joinWeek: 0,
    changes: [
      [44, 'paused'],
      [50, 'active'],
    ],
  },
  {
    first: 'Farah',
    name: 'Farah Haddad',
    stage: 'experienced',
    joinWeek: 0,
    changes: [[56, 'left']],
  },
  { first: 'Gus', name: 'Gus Lindqvist', stage: 'newer', joinWeek: 20, changes: [] },
  { first: 'Hana', name: 'Hana Sato', stage: 'newer', joinWeek: 40, changes: [] },
  { first: 'Ivo', name: 'Ivo Petrov', stage: 'newer', joinWeek: 60, changes: [] },
  { first: 'Jun', name: 'Jun Park', stage: 'newer', joinWeek: 70, changes: [] },
  { first: 'Kai', name: 'Kai Mensah', stage: 'newer', joinWeek: 84, changes: [] },
]

/** Weeks the pod re-pairs its peer mentors: a newcomer in year one, then once a year. */
const ROTATION_WEEKS = [0, 20, 40, 52]
const YEAR_ONE_SKIPS: Record<number, string> = {
  17: 'Spring holiday — half the pod away',
  33: 'Summer break',
}

const REFLECTIVE_CHECK_INS = [
  'I noticed I rush to fix things when someone is struggling; still learning to just listen.',
  'Feeling stuck on how to bring the quieter tenants in. Curious what you would try.',
  'I learned a lot from the role-play — I was wrong about why people stay away.',
  'Unsure where I am with the campaign; grateful to be here tonight.',
  'I realised the meeting went badly because I never asked what people wanted.',
  'Surprised how much I felt in the door-knocking debrief.',
]

const TRANSACTIONAL_CHECK_INS = [
  'Did 40 doors on Saturday, sent the flyers, booked the hall.',
  'Status update: finished the petition, next step is the council meeting.',
  'Worked on the newsletter; the deadline is next week.',
  'Completed the volunteer rota and updated the spreadsheet.',
  'Reviewed the budget and closed two tasks.',
  'Busy week: done with the leaflets, scheduled the next action.',
]

const INSIGHTS: Record<InsightKind, readonly { text: string; tags: readonly string[] }[]> = {
  learning: [
    {
      text: 'A power map only works when the people on it helped draw it.',
      tags: ['power', 'strategy'],
    },
    {
      text: 'Listening for what someone cares about opens more doors than our script.',
      tags: ['listening', 'recruitment'],
    },
    {
      text: 'Rotating the facilitator made me see how much I was holding.',
      tags: ['facilitation'],
    },
    { text: 'Rest is part of the campaign plan, not a break from it.', tags: ['care', 'burnout'] },
    {
      text: 'Small asks first: people stay when the first step fits their week.',
      tags: ['recruitment'],
    },
    { text: 'Naming the tension out loud lowered it for everyone.', tags: ['conflict'] },
  ],
  tension: [
    {
      text: 'We keep saying yes to every action and then running on empty.',
      tags: ['burnout', 'time'],
    },
    {
      text: 'Disagreement about the council strategy went unspoken again.',
      tags: ['conflict', 'strategy'],
    },
    {
      text: 'Evenings are the only time we meet, and the carers among us cannot come.',
      tags: ['time'],
    },
    {
      text: 'Who decides what the pod works on? It feels like the same two voices.',
      tags: ['power', 'conflict'],
    },
  ],
  question: [
    { text: 'How do we say no to an action without letting people down?', tags: ['burnout'] },
    {
      text: 'What would it take for the newest of us to lead a circle?',
      tags: ['facilitation', 'power'],
    },
    { text: 'Why do people come once and not return?', tags: ['recruitment'] },
    { text: 'How do we disagree without the room going quiet?', tags: ['conflict'] },
  ],
  breakthrough: [
    {
      text: 'We agreed a "one new thing, one thing stops" rule for every action we take on.',
      tags: ['burnout', 'strategy'],
    },
    {
      text: 'Pairing newcomers with a buddy for their first three actions doubled who came back.',
      tags: ['recruitment'],
    },
    {
      text: 'A round where everyone names their hesitation before we decide.',
      tags: ['conflict', 'facilitation'],
    },
    { text: 'Childcare at circles: two carers are back.', tags: ['time', 'care'] },
  ],
}

const ACTIONS = [
  'Draft the one-page guide for new volunteers',
  'Ask the tenants’ union about a joint training',
  'Book the hall for the all-hands',
  'Write up the power map and share it',
  'Call the two people who came once last month',
]

const SKIP_REASONS = [
  'Half the pod at the campaign action',
  'Facilitator ill, nobody stepped in',
  'Nobody confirmed',
  'Too few could come',
  'Clashed with the council meeting',
]

/**
 * Builds the sample pod into an empty document (see the module comment). Year one: six
 * founders, two newcomers, attendance around 85–90%, two holiday skips, check-ins mostly
 * reflective, insights from everyone. Year two: two experienced members leave, newcomers get
 * no peer mentor, attendance falls towards 50%, skips and moves become common, check-ins turn
 * transactional and two voices carry most insights. About 120 meetings, a few thousand small
 * edits.
 */
export function buildSamplePod(doc: PodDoc, options: SamplePodOptions): SamplePod {
  const { rng } = options
  const timeZone = options.timeZone ?? 'Europe/Berlin'
  const ctx: CommandContext = { now: options.start, newId: options.newId }
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T
  const at = (ms: number) => {
    ctx.now = ms
  }

  const founderId = initPod(
    doc,
    {
      name: 'Riverside organisers',
      purpose:
        'A learning pod for community organisers: debrief campaign work, name what we learn about power and people, coach each other.',
      kind: 'learning-pod',
      founder: { name: 'Amara Okafor', stage: 'experienced' },
      device: null,
    },
    ctx,
  )
  const memberIds: Record<string, string> = { Amara: founderId }
  const status = new Map<string, 'active' | 'paused' | 'left'>([[founderId, 'active']])

  const startDay = zonedDateTime(options.start, timeZone)
  const circleId = addContainer(
    doc,
    { kind: 'circle', weekday: startDay.weekday, time: '18:30', timeZone, startsAt: options.start },
    ctx,
  )
  const allHandsId = addContainer(
    doc,
    { kind: 'all-hands', weekday: 6, time: '10:00', timeZone, startsAt: options.start + 20 * DAY },
    ctx,
  )
  const officeHoursId = addContainer(
    doc,
    { kind: 'office-hours', weekday: 3, time: '12:00', timeZone, startsAt: options.start },
    ctx,
  )
  const circle = doc.containers[circleId]
  const allHands = doc.containers[allHandsId]
  const officeHours = doc.containers[officeHoursId]
  if (circle === undefined || allHands === undefined || officeHours === undefined) {
    throw new Error('The sample pod could not declare its containers.')
  }
  const slots = occurrences(circle, options.start, WEEKS)
  const slot = (week: number) => slots[week] ?? options.start + week * 7 * DAY
  const end = slot(WEEKS - 1) + 2 * DAY
  const yearOneEnd = slot(51) + 2 * DAY
  const allHandsSlots = occurrences(allHands, options.start, 12).filter((s) => s < end)

  const facilitatorRole = Object.values(doc.roles).find((r) => /facilitator/i.test(r.name))
  const activeIds = () => [...status].filter(([, s]) => s === 'active').map(([id]) => id)
  let openQuestions: string[] = []

  const memberChanges = (week: number) => {
    for (const person of PEOPLE) {
      if (person.joinWeek === week) {
        at(week === 0 ? options.start : slot(week) - 2 * DAY)
        const id = addMember(doc, { name: person.name, stage: person.stage }, ctx)
        memberIds[person.first] = id
        status.set(id, 'active')
      }
      for (const [changeWeek, next] of person.changes) {
        const id = memberIds[person.first]
        if (changeWeek !== week || id === undefined) continue
        at(slot(week) - 2 * DAY)
        setMemberStatus(doc, id, next, ctx)
        status.set(id, next)
      }
    }
    if (week === 52) {
      at(slot(week) - 2 * DAY)
      for (const first of ['Chen', 'Eli', 'Gus']) {
        const id = memberIds[first]
        if (id !== undefined) updateMember(doc, id, { stage: 'practising' }, ctx)
      }
    }
    if (ROTATION_WEEKS.includes(week)) {
      at(week === 0 ? options.start + HOUR : slot(week) - DAY)
      startRotation(doc, proposePairings(doc, ctx.now), ctx)
    }
  }

  const adoptNorms = () => {
    at(slot(0) + 3 * HOUR)
    const texts = [
      [
        'What is said in the circle stays in the circle; what is learned may leave.',
        'Safety to be honest',
      ],
      ['We speak from our own experience and pass the talking piece.', 'Every voice heard'],
      ['We start and end on time, and say so when we cannot come.', 'Respect for the rhythm'],
    ] as const
    for (const [text, reason] of texts) {
      const normId = proposeNorm(doc, { text, reason, proposedBy: founderId }, ctx)
      for (const id of activeIds())
        respondToNorm(doc, { normId, memberId: id, response: 'consent' }, ctx)
      settleRound(doc, normId, ctx)
    }
  }

  /** Runs one held group meeting: attendance, check-ins, insights, an action. */
  const runMeeting = (
    meetingId: string,
    startsAt: number,
    week: number,
    attendP: number,
    insightCount: number,
  ) => {
    const yearTwo = week >= 52
    const present: string[] = []
    for (const id of activeIds()) {
      const joinedRecently =
        week >= 52 && [memberIds['Ivo'], memberIds['Jun'], memberIds['Kai']].includes(id)
      const p = joinedRecently ? attendP - 0.12 : attendP
      const mark: Attendance = rng() < p ? 'present' : rng() < 0.35 ? 'excused' : 'absent'
      setAttendance(doc, meetingId, id, mark)
      if (mark === 'present') present.push(id)
    }
    if (present.length === 0) {
      const first = activeIds()[0]
      if (first !== undefined) {
        setAttendance(doc, meetingId, first, 'present')
        present.push(first)
      }
    }
    let t = startsAt + 5 * 60_000
    const reflectiveP = yearTwo ? 0.6 - 0.4 * ((week - 52) / 51) : 0.8
    for (const id of present) {
      at((t += 60_000))
      const text = rng() < reflectiveP ? pick(REFLECTIVE_CHECK_INS) : pick(TRANSACTIONAL_CHECK_INS)
      addCheckIn(doc, meetingId, { memberId: id, text }, ctx)
    }
    const insightIds: { id: string; authorId: string }[] = []
    const loud = [memberIds['Amara'], memberIds['Gus']].filter(
      (id): id is string => id !== undefined && present.includes(id),
    )
    for (let n = 0; n < insightCount; n++) {
      const authorId = yearTwo && loud.length > 0 && rng() < 0.75 ? pick(loud) : pick(present)
      const roll = rng()
      const kind: InsightKind =
        roll < 0.4 ? 'learning' : roll < 0.6 ? 'tension' : roll < 0.8 ? 'question' : 'breakthrough'
      const template = pick(INSIGHTS[kind])
      const farahId = memberIds['Farah']
      const tags =
        authorId === farahId && rng() < 0.5 ? [...template.tags, 'coalitions'] : [...template.tags]
      const others = insightIds.filter((i) => i.authorId !== authorId)
      const respondsTo = others.length > 0 && rng() < 0.4 ? pick(others).id : null
      at((t += 4 * 60_000))
      const id = addInsight(
        doc,
        meetingId,
        { kind, text: template.text, tags, authorId, respondsTo },
        ctx,
      )
      insightIds.push({ id, authorId })
      if (kind === 'question') openQuestions.push(id)
      if (kind === 'breakthrough' && openQuestions.length > 0 && rng() < 0.6) {
        const question = pick(openQuestions)
        linkInsight(doc, question, { ledTo: id })
        openQuestions = openQuestions.filter((q) => q !== question)
      }
    }
    if (rng() < 0.6) {
      at((t += 60_000))
      const actionId = addAction(
        doc,
        meetingId,
        { text: pick(ACTIONS), ownerId: pick(present) },
        ctx,
      )
      if (rng() < (yearTwo ? 0.4 : 0.8)) {
        at(startsAt + 4 * DAY)
        completeAction(doc, meetingId, actionId, ctx)
      }
    }
    at(startsAt + 2 * HOUR)
    holdMeeting(doc, meetingId, ctx)
  }

  for (let week = 0; week < WEEKS; week++) {
    memberChanges(week)
    if (week === 0) adoptNorms()
    const s = slot(week)
    const progress = week < 52 ? 0 : (week - 52) / 51
    const yearOneSkip = YEAR_ONE_SKIPS[week]
    const skipP = week < 56 ? 0 : 0.05 + 0.3 * progress
    const moveP = week < 52 ? 0 : 0.1
    at(s - 3 * DAY)
    if (yearOneSkip !== undefined || rng() < skipP) {
      skipMeeting(
        doc,
        { containerId: circleId, scheduledFor: s, reason: yearOneSkip ?? pick(SKIP_REASONS) },
        ctx,
      )
    } else {
      let startsAt = s
      let meetingId: string
      if (rng() < moveP) {
        startsAt = s + 2 * DAY
        meetingId = rescheduleMeeting(
          doc,
          {
            containerId: circleId,
            scheduledFor: s,
            to: startsAt,
            reason: 'Moved for the campaign action',
          },
          ctx,
        )
      } else {
        meetingId = scheduleMeeting(
          doc,
          { containerId: circleId, scheduledFor: s, notesUrl: null },
          ctx,
        )
      }
      const attendP = week < 52 ? 0.9 : 0.82 - 0.28 * progress
      const insightCount = week < 52 ? 2 + Math.floor(rng() * 3) : 1 + Math.floor(rng() * 2)
      runMeeting(meetingId, startsAt, week, attendP, insightCount)
    }

    // The quarterly all-hands falling in this week.
    for (const a of allHandsSlots) {
      if (a < s || a >= s + 7 * DAY) continue
      at(a - 3 * DAY)
      const meetingId = scheduleMeeting(
        doc,
        { containerId: allHandsId, scheduledFor: a, notesUrl: null },
        ctx,
      )
      runMeeting(meetingId, a, week, week < 52 ? 0.9 : 0.65, 2)
    }
  }

  // Office hours: Amara keeps them; in the last two monthly slots and in a session just before
  // the end, a few mentees use their 30 minutes.
  const facilitatorId = facilitatorRole?.id
  const hoursSessions: number[][] = occurrences(officeHours, end - 62 * DAY, 2)
    .filter((s) => s < end - 3 * HOUR)
    .map((s) => [s, s + 30 * 60_000, s + 60 * 60_000])
  hoursSessions.push([end - 3 * HOUR, end - 2.5 * HOUR])
  for (const session of hoursSessions) {
    const mentees = activeIds().filter((id) => id !== founderId)
    const count = 1 + Math.floor(rng() * Math.min(session.length, mentees.length))
    const offset = Math.floor(rng() * mentees.length)
    for (let i = 0; i < count; i++) {
      const mentee = mentees[(i + offset) % mentees.length]
      const startsAt = session[i]
      if (mentee === undefined || startsAt === undefined) continue
      at(startsAt - DAY)
      const meetingId = scheduleMeeting(
        doc,
        { containerId: officeHoursId, scheduledFor: startsAt, notesUrl: null },
        ctx,
      )
      const meeting = doc.meetings[meetingId]
      if (meeting !== undefined && facilitatorId !== undefined) {
        meeting.roleHolders[facilitatorId] = founderId
      }
      setAttendance(doc, meetingId, founderId, 'present')
      setAttendance(doc, meetingId, mentee, 'present')
      at(startsAt + 30 * 60_000)
      holdMeeting(doc, meetingId, ctx)
    }
  }

  at(end)
  return {
    founderId,
    memberIds,
    circleId,
    allHandsId,
    officeHoursId,
    firstCircle: slot(0),
    yearOneEnd,
    end,
  }
}
