import { ownEntry } from '../schema/idMap.ts'
import type { PodDoc } from '../schema/podDocument.ts'
import { activeRoles, compareMeetings, isFacilitatorRole, rotationFor } from './roleRotation.ts'

/**
 * Circle formats as data: named sequences of timed steps with cues for the role holders. Circle
 * mode walks through a format step by step; because a format is plain data, a pod can keep its
 * own edited copy beside these templates.
 *
 * Every format opens the same way (issue 4): the adopted norms are read ("the adopted norms open
 * every circle"), then the actions carried from earlier circles are reviewed ("carried into the
 * next circle, where the first step reviews them"). The first norm-setting circle is the one
 * exception: the pod has no norms and no actions yet, so it opens with a check-in and makes its
 * norms instead.
 */

export type CircleStepKind =
  | 'norms'
  | 'review-actions'
  | 'check-in'
  | 'round'
  | 'presenting'
  | 'consulting'
  | 'discussion'
  | 'norm-setting'
  | 'insights'
  | 'actions'
  | 'closing'

export interface CircleStep {
  id: string
  title: string
  /** Minutes the step is given; the timekeeper keeps it. */
  minutes: number
  /** What a role holder does in this step (e.g. "Facilitator: …"), or null. */
  roleCue: string | null
  kind: CircleStepKind
  /** For a round in talking-piece order: minutes per speaker, or null for an open step. */
  speakerMinutes: number | null
}

export interface CircleFormat {
  id: string
  name: string
  summary: string
  steps: CircleStep[]
}

function step(
  id: string,
  kind: CircleStepKind,
  title: string,
  minutes: number,
  roleCue: string | null = null,
  speakerMinutes: number | null = null,
): CircleStep {
  return { id, title, minutes, roleCue, kind, speakerMinutes }
}

/** The opening every format shares: norms, then the actions carried from earlier circles. */
function opening(): CircleStep[] {
  return [
    step('norms', 'norms', 'Our norms', 3, 'Facilitator: read the adopted norms aloud.'),
    step(
      'review-actions',
      'review-actions',
      'Actions from last time',
      7,
      'Note-taker: go through the carried actions; each owner says done, still going, or let go.',
    ),
  ]
}

function closing(): CircleStep[] {
  return [
    step(
      'closing',
      'closing',
      'Closing round',
      5,
      'Timekeeper: one breath each. Calendar guardian: name the next circle.',
      1,
    ),
  ]
}

/** The built-in formats (issue 4, "Circle mode"). A pod starts from these and may copy one to edit. */
export const CIRCLE_FORMATS: readonly CircleFormat[] = [
  {
    id: 'round-check-in',
    name: 'Round check-in',
    summary: 'Everyone checks in, then the circle takes up what came up.',
    steps: [
      ...opening(),
      step('check-in', 'check-in', 'Check-in round', 15, 'Timekeeper: keep each turn short.', 2),
      step(
        'discussion',
        'discussion',
        'Open discussion',
        30,
        'Facilitator: invite the quieter voices.',
      ),
      step(
        'insights',
        'insights',
        'What we learned',
        10,
        'Note-taker: record insights as they are named.',
      ),
      step('actions', 'actions', 'Actions', 5, 'Note-taker: each action gets an owner.'),
      ...closing(),
    ],
  },
  {
    id: 'talking-piece',
    name: 'Talking-piece circle',
    summary: 'One question, passed around the circle; only the one holding the piece speaks.',
    steps: [
      ...opening(),
      step('check-in', 'check-in', 'Check-in round', 10, 'Timekeeper: one minute each.', 1),
      step(
        'round-1',
        'round',
        'First round on the question',
        20,
        'Facilitator: name the question, then pass the piece.',
        3,
      ),
      step('round-2', 'round', 'Second round: what I heard', 15, null, 2),
      step('insights', 'insights', 'What we learned', 5, 'Note-taker: record insights.'),
      ...closing(),
    ],
  },
  {
    id: 'troika',
    name: 'Troika Consulting',
    summary: 'In threes: one brings a challenge, two consult while the client listens.',
    steps: [
      ...opening(),
      step('check-in', 'check-in', 'Check-in round', 5, null, 1),
      step(
        'presenting',
        'presenting',
        'Client presents the challenge',
        3,
        'Timekeeper: three minutes.',
      ),
      step('questions', 'consulting', 'Consultants ask clarifying questions', 4, null),
      step(
        'consulting',
        'consulting',
        'Consultants talk it over, client turns away and listens',
        10,
        'Timekeeper: the client stays silent.',
      ),
      step('response', 'discussion', 'Client says what was useful', 3, null),
      step('insights', 'insights', 'What we learned', 5, 'Note-taker: record insights.'),
      step('actions', 'actions', 'Actions', 5, 'Note-taker: each action gets an owner.'),
      ...closing(),
    ],
  },
  {
    id: 'wise-crowds',
    name: 'Wise Crowds',
    summary: 'The circle consults one member on a challenge; they listen with their back turned.',
    steps: [
      ...opening(),
      step('check-in', 'check-in', 'Check-in round', 10, null, 1),
      step(
        'presenting',
        'presenting',
        'Client presents the challenge',
        5,
        'Facilitator: help frame the ask.',
      ),
      step('questions', 'consulting', 'Clarifying questions', 5, null),
      step(
        'consulting',
        'consulting',
        'The crowd consults, client listens',
        15,
        'Timekeeper: keep the client silent.',
      ),
      step('response', 'discussion', 'Client responds', 5, null),
      step('insights', 'insights', 'What we learned', 5, 'Note-taker: record insights.'),
      step('actions', 'actions', 'Actions', 5, 'Note-taker: each action gets an owner.'),
      ...closing(),
    ],
  },
  {
    id: 'what-so-what-now-what',
    name: 'What / So What / Now What',
    summary: 'Make sense of a shared experience: the facts, their meaning, then the next step.',
    steps: [
      ...opening(),
      step('what', 'round', 'What? What happened, what did you notice', 15, null, 2),
      step('so-what', 'discussion', 'So what? Why it matters, patterns we see', 15, null),
      step(
        'now-what',
        'actions',
        'Now what? What we do next',
        15,
        'Note-taker: each action gets an owner.',
      ),
      step('insights', 'insights', 'What we learned', 5, 'Note-taker: record insights.'),
      ...closing(),
    ],
  },
  {
    id: 'action-learning',
    name: 'Action Learning set',
    summary: 'One member brings a live problem; the set asks only questions, then commits to act.',
    steps: [
      ...opening(),
      step('check-in', 'check-in', 'Check-in round', 10, null, 1),
      step('presenting', 'presenting', 'Presenter describes the problem', 10, null),
      step(
        'questions',
        'consulting',
        'Questions only: the set asks, the presenter answers',
        25,
        'Facilitator: hold the set to questions, not advice.',
      ),
      step(
        'actions',
        'actions',
        'Presenter commits to an action',
        5,
        'Note-taker: record it with its owner.',
      ),
      step('insights', 'insights', 'What the set learned', 5, 'Note-taker: record insights.'),
      ...closing(),
    ],
  },
  {
    id: 'first-norm-setting',
    name: 'First norm-setting circle',
    summary: 'A new pod agrees how it will be together, starting from the starter prompts.',
    steps: [
      step(
        'check-in',
        'check-in',
        'Check-in: why I joined',
        15,
        'Timekeeper: two minutes each.',
        2,
      ),
      step(
        'norm-prompts',
        'norm-setting',
        'Talk through the starter prompts',
        30,
        'Facilitator: one prompt at a time; propose a norm when the circle converges.',
      ),
      step(
        'consent',
        'norm-setting',
        'Consent rounds on the proposed norms',
        20,
        'Facilitator: each member consents, stands aside or objects.',
      ),
      step(
        'roles',
        'discussion',
        'Our roles and rhythm',
        10,
        'Calendar guardian: confirm the next circles.',
      ),
      ...closing(),
    ],
  },
]

/** The format a new pod's first circle uses. */
export const FIRST_CIRCLE_FORMAT_ID = 'first-norm-setting'

/** A built-in format by id, or null. */
export function circleFormat(id: string): CircleFormat | null {
  return CIRCLE_FORMATS.find((f) => f.id === id) ?? null
}

/** Minutes a format takes from its first step to its last. */
export function formatMinutes(format: CircleFormat): number {
  return format.steps.reduce((sum, s) => sum + s.minutes, 0)
}

export interface TimedStep {
  step: CircleStep
  startsAt: number
  endsAt: number
}

/** The steps laid out on the clock from `startAt` (epoch ms), for the timekeeper's screen. */
export function scheduleSteps(format: CircleFormat, startAt: number): TimedStep[] {
  let at = startAt
  return format.steps.map((s) => {
    const timed = { step: s, startsAt: at, endsAt: at + s.minutes * 60_000 }
    at = timed.endsAt
    return timed
  })
}

/**
 * The talking-piece order for a meeting: the members marked present, seated in a fixed circle
 * (by `joinedAt`, then id — the same on every device), starting with `startMemberId` when they
 * are present, else with the member seated after the facilitator, who speaks last. With no
 * facilitator present, the circle starts with the first seat.
 */
export function talkingPieceOrder(
  doc: PodDoc,
  meetingId: string,
  startMemberId: string | null,
): string[] {
  const meeting = ownEntry(doc.meetings, meetingId)
  if (meeting === undefined) return []
  const seats = Object.values(doc.members)
    .filter((m) => ownEntry(meeting.attendance, m.id) === 'present')
    .sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => m.id)
  if (seats.length === 0) return []
  let start = startMemberId !== null ? seats.indexOf(startMemberId) : -1
  if (start === -1) {
    const facilitatorRole = activeRoles(doc).find(isFacilitatorRole)
    const facilitator =
      facilitatorRole === undefined
        ? null
        : (rotationFor(doc, { meetingId })[facilitatorRole.id] ?? null)
    const seat = facilitator === null ? -1 : seats.indexOf(facilitator)
    start = seat === -1 ? 0 : (seat + 1) % seats.length
  }
  return [...seats.slice(start), ...seats.slice(0, start)]
}

/** Who holds the talking piece next: the first in `order` who has not spoken, or null when all have. */
export function nextSpeaker(
  order: readonly string[],
  spokenMemberIds: Iterable<string>,
): string | null {
  const spoken = new Set(spokenMemberIds)
  return order.find((id) => !spoken.has(id)) ?? null
}

/** Whether a meeting is the pod's first circle: no meeting was held before it. */
export function isFirstCircle(doc: Pick<PodDoc, 'meetings'>, meetingId: string): boolean {
  const meeting = ownEntry(doc.meetings, meetingId)
  if (meeting === undefined) return false
  return !Object.values(doc.meetings).some(
    (m) => m.id !== meetingId && m.status === 'held' && compareMeetings(m, meeting) < 0,
  )
}
