import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { readKeyState, signedStatements } from '../../../src/domain/keyEpochs.ts'
import type { CommandContext } from '../../../src/domain/commandContext.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import {
  addContainer,
  activeContainers,
  retireContainer,
  updateContainer,
} from '../../../src/domain/containers.ts'
import {
  correctAttendance,
  correctItemText,
  correctPodDetails,
  correctionsByItem,
  restoreItem,
  withdrawItem,
  type CorrectableKind,
} from '../../../src/domain/corrections.ts'
import {
  addOutsideRelationship,
  endOutsideRelationship,
  readEcology,
  removeOutsideRelationship,
} from '../../../src/domain/ecology.ts'
import {
  allInsights,
  exportMarkdown,
  insightTags,
  questionBank,
  recurringTensions,
} from '../../../src/domain/knowledge.ts'
import {
  addAction,
  addCheckIn,
  addInsight,
  assignRoleHolders,
  carriedActions,
  completeAction,
  findInsight,
  holdMeeting,
  linkInsight,
  nextMeeting,
  reopenAction,
  scheduleMeeting,
  setAttendance,
  setNotesUrl,
  startAdHocCircle,
} from '../../../src/domain/meetings.ts'
import {
  addMember,
  addMemberDevice,
  setMemberStatus,
  updateMember,
} from '../../../src/domain/members.ts'
import {
  adoptedNorms,
  closeRound,
  currentRound,
  normHistory,
  openProposals,
  proposeNorm,
  respondToNorm,
  retireNorm,
  reviseNorm,
  roundOutcome,
  settleRound,
  withdrawNorm,
} from '../../../src/domain/norms.ts'
import {
  currentPairings,
  declinePairing,
  journeyOrder,
  pairingHistory,
  proposePairings,
  rotationDue,
  startRotation,
} from '../../../src/domain/pairings.ts'
import {
  addFormatStep,
  chooseMeetingFormat,
  copyFormat,
  findFormat,
  meetingFormat,
  moveFormatStep,
  orderedSteps,
  podFormats,
  removeFormatStep,
  retireFormat,
  updateFormat,
  updateFormatStep,
} from '../../../src/domain/podFormats.ts'
import { memberForDevice, membersForDisplay, readPodSize } from '../../../src/domain/podQueries.ts'
import { updatePodDetails } from '../../../src/domain/pods.ts'
import {
  calendarGuardianNudge,
  formatDay,
  isPausedAt,
  occurrences,
  officeHoursUsage,
  rescheduleMeeting,
  restoreMeeting,
  rhythmHistory,
  rhythmStreak,
  skipMeeting,
  upcomingCalendar,
} from '../../../src/domain/rhythm.ts'
import {
  activeRoles,
  addRole,
  recordRoleSwap,
  renameRole,
  retireRole,
  roleHistory,
  roleHistoryByRole,
  rotationDetail,
  rotationFor,
  setRoleTerm,
  upcomingHolders,
} from '../../../src/domain/roleRotation.ts'
import { pausePod, readVitality, resumePod } from '../../../src/domain/vitality.ts'
import {
  isFirstCircle,
  scheduleSteps,
  talkingPieceOrder,
} from '../../../src/domain/circleFormats.ts'

/** Ids a hostile peer might use because plain objects answer to them. */
export const PROTOTYPE_IDS = ['__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty']

function idsOf(map: Record<string, unknown>): string[] {
  return Object.keys(map).slice(0, 4)
}

/** The ids a battery runs over: some of the pod's own, and ids no pod should trip on. */
function pick(map: Record<string, unknown>): string[] {
  return [...idsOf(map), 'valueOf']
}

/**
 * Runs every domain query on a parsed view, with ids taken from the view itself. A query that
 * throws fails the caller's test: a view the parser returns must always be readable.
 */
export function runEveryQuery(view: PodDoc, now: number): void {
  readPodSize(view)
  // Membership with every signature taken as valid, so the rules run on whatever was written.
  readKeyState(view, new Set(signedStatements(view, 'pod').map((s) => s.tag)))
  membersForDisplay(view)
  memberForDevice(view, 'key')
  correctionsByItem(view)
  activeContainers(view)
  activeRoles(view)
  journeyOrder(view)
  proposePairings(view, now)
  currentPairings(view)
  pairingHistory(view)
  rotationDue(view, now)
  adoptedNorms(view)
  openProposals(view)
  podFormats(view)
  allInsights(view)
  insightTags(view)
  recurringTensions(view)
  questionBank(view)
  exportMarkdown(view, {})
  readVitality(view, now)
  readEcology([view], Object.values(view.outsideRelationships), now)
  upcomingCalendar(view, now, 6)
  calendarGuardianNudge(view, now)
  officeHoursUsage(view, now)
  isPausedAt(view, now)
  nextMeeting(view, now)
  roleHistoryByRole(view)
  upcomingHolders(view, { startingAt: now, count: 3, slots: [now + 1, now + 2] })
  rotationDetail(view, { scheduledFor: now })
  for (const container of Object.values(view.containers).slice(0, 4)) {
    occurrences(container, now, 3)
    rhythmHistory(view, container, now)
    rhythmStreak(view, container.id, now)
    formatDay(now, container.timeZone)
  }
  for (const id of pick(view.meetings)) {
    carriedActions(view, id)
    talkingPieceOrder(view, id, null)
    isFirstCircle(view, id)
    if (Object.hasOwn(view.meetings, id)) {
      rotationFor(view, { meetingId: id })
      rotationDetail(view, { meetingId: id })
      scheduleSteps(meetingFormat(view, id), now)
    }
  }
  for (const id of pick(view.members)) roleHistory(view, id)
  for (const norm of Object.values(view.norms).slice(0, 4)) {
    currentRound(norm)
    normHistory(view, norm.id)
    roundOutcome(view, norm.id, now)
  }
  for (const id of pick(view.formats)) {
    findFormat(view, id)
    const format = view.formats[id]
    if (format !== undefined) orderedSteps(format)
  }
  for (const meeting of Object.values(view.meetings).slice(0, 4)) {
    for (const id of pick(meeting.insights)) findInsight(view, id)
  }
}

export type Command = (doc: PodDoc, ctx: CommandContext) => unknown

/**
 * Every domain command, with inputs taken from the parsed view (ids a person could click on,
 * and a few hostile ones). Each must either change the document or refuse with a DomainError.
 */
export function everyCommand(view: PodDoc, now: number): [string, Command][] {
  const members = pick(view.members)
  const meetings = pick(view.meetings)
  const containers = pick(view.containers)
  const norms = pick(view.norms)
  const roles = pick(view.roles)
  const formats = [...pick(view.formats), 'round-check-in']
  const pairings = pick(view.pairings)
  const outside = pick(view.outsideRelationships)
  const m0 = members[0] ?? 'nobody'
  const m1 = members[1] ?? m0
  const out: [string, Command][] = []
  const add = (name: string, command: Command) => out.push([name, command])

  add('updatePodDetails', (doc) => updatePodDetails(doc, { name: 'Renamed', purpose: ' p ' }))
  for (const by of [m0, 'valueOf']) {
    add(`correctPodDetails ${by}`, (doc, ctx) =>
      correctPodDetails(doc, { name: 'Corrected', purpose: 'Fixed', by }, ctx),
    )
  }
  add('addMember', (doc, ctx) => addMember(doc, { name: 'Newcomer', stage: 'newer' }, ctx))
  add('addContainer', (doc, ctx) =>
    addContainer(doc, { kind: 'circle', weekday: 2, time: '18:00', timeZone: 'UTC' }, ctx),
  )
  add('startAdHocCircle', (doc, ctx) => startAdHocCircle(doc, { notesUrl: null }, ctx))
  add('scheduleMeeting', (doc, ctx) =>
    scheduleMeeting(doc, { containerId: null, scheduledFor: now, notesUrl: null }, ctx),
  )
  add('proposeNorm', (doc, ctx) =>
    proposeNorm(doc, { text: 'We start on time', proposedBy: m0 }, ctx),
  )
  add('addRole', (doc, ctx) => addRole(doc, { name: 'Scribe', term: 'meeting' }, ctx))
  add('addOutsideRelationship', (doc, ctx) =>
    addOutsideRelationship(doc, { mentorName: 'Ada', menteeName: 'Bea' }, ctx),
  )
  add('startRotation', (doc, ctx) => startRotation(doc, proposePairings(doc, now), ctx))
  add('pausePod', (doc, ctx) => pausePod(doc, { reason: 'Replanting' }, ctx))
  add('resumePod', (doc, ctx) => resumePod(doc, ctx))
  for (const id of members) {
    add(`updateMember ${id}`, (doc, ctx) =>
      updateMember(doc, id, { name: 'Bo', stage: 'practising', awayUntil: null }, ctx),
    )
    add(`setMemberStatus ${id}`, (doc, ctx) => setMemberStatus(doc, id, 'paused', ctx))
    add(`addMemberDevice ${id}`, (doc, ctx) =>
      addMemberDevice(doc, id, { id: 'dev', publicKey: 'pk', label: 'phone' }, ctx),
    )
  }
  for (const id of containers) {
    add(`updateContainer ${id}`, (doc, ctx) =>
      updateContainer(doc, id, { name: 'Circle', time: '19:00', timeZone: 'Europe/Berlin' }, ctx),
    )
    const container = view.containers[id]
    const slot = container === undefined ? now : (occurrences(container, now, 1)[0] ?? now)
    add(`skipMeeting ${id}`, (doc, ctx) =>
      skipMeeting(doc, { containerId: id, scheduledFor: slot, reason: 'Holiday' }, ctx),
    )
    add(`rescheduleMeeting ${id}`, (doc, ctx) =>
      rescheduleMeeting(
        doc,
        { containerId: id, scheduledFor: slot, to: slot + 3_600_000, reason: 'Moved' },
        ctx,
      ),
    )
    add(`restoreMeeting ${id}`, (doc, ctx) =>
      restoreMeeting(doc, { containerId: id, scheduledFor: slot }, ctx),
    )
    add(`retireContainer ${id}`, (doc, ctx) => retireContainer(doc, id, ctx))
  }
  for (const id of meetings) {
    const meeting = view.meetings[id]
    add(`setNotesUrl ${id}`, (doc) => setNotesUrl(doc, id, 'automerge:notes'))
    add(`setAttendance ${id}`, (doc) => setAttendance(doc, id, m0, 'present'))
    add(`assignRoleHolders ${id}`, (doc) => assignRoleHolders(doc, id))
    add(`addCheckIn ${id}`, (doc, ctx) => addCheckIn(doc, id, { memberId: m0, text: 'Hi' }, ctx))
    add(`addInsight ${id}`, (doc, ctx) =>
      addInsight(
        doc,
        id,
        { authorId: m0, kind: 'question', text: 'Why?', tags: ['care', 'valueOf'] },
        ctx,
      ),
    )
    add(`addAction ${id}`, (doc, ctx) => addAction(doc, id, { text: 'Call', ownerId: m1 }, ctx))
    add(`holdMeeting ${id}`, (doc, ctx) => holdMeeting(doc, id, ctx))
    add(`chooseMeetingFormat ${id}`, (doc) => chooseMeetingFormat(doc, id, formats[0] ?? 'x'))
    for (const role of roles) {
      add(`recordRoleSwap ${id} ${role}`, (doc, ctx) =>
        recordRoleSwap(
          doc,
          {
            meetingId: id,
            roleId: role,
            fromMemberId: meeting?.roleHolders[role] ?? m0,
            toMemberId: m1,
          },
          ctx,
        ),
      )
    }
    for (const actionId of pick(meeting?.actions ?? {})) {
      add(`completeAction ${id} ${actionId}`, (doc, ctx) => completeAction(doc, id, actionId, ctx))
      add(`reopenAction ${id} ${actionId}`, (doc) => reopenAction(doc, id, actionId))
    }
    add(`correctAttendance ${id}`, (doc, ctx) =>
      correctAttendance(doc, { meetingId: id, memberId: m1, mark: 'excused', by: m0 }, ctx),
    )
    add(`correctAttendance clear ${id}`, (doc, ctx) =>
      correctAttendance(doc, { meetingId: id, memberId: m0, mark: null, by: m1 }, ctx),
    )
    const items: [CorrectableKind, Record<string, unknown>][] = [
      ['insight', meeting?.insights ?? {}],
      ['check-in', meeting?.checkIns ?? {}],
      ['action', meeting?.actions ?? {}],
    ]
    for (const [kind, map] of items) {
      for (const itemId of pick(map)) {
        const ref = { kind, meetingId: id, itemId }
        add(`correctItemText ${kind} ${itemId}`, (doc, ctx) =>
          correctItemText(doc, { ...ref, text: 'Said better', by: m0 }, ctx),
        )
        add(`withdrawItem ${kind} ${itemId}`, (doc, ctx) =>
          withdrawItem(doc, { ...ref, by: m1 }, ctx),
        )
        add(`restoreItem ${kind} ${itemId}`, (doc, ctx) =>
          restoreItem(doc, { ...ref, by: m0 }, ctx),
        )
      }
    }
    for (const insightId of pick(meeting?.insights ?? {})) {
      add(`linkInsight ${insightId}`, (doc) =>
        linkInsight(doc, insightId, { ledTo: insightId, respondsTo: null }),
      )
    }
  }
  for (const id of norms) {
    add(`reviseNorm ${id}`, (doc, ctx) =>
      reviseNorm(doc, { normId: id, text: 'Kinder', proposedBy: m0 }, ctx),
    )
    add(`respondToNorm ${id}`, (doc, ctx) =>
      respondToNorm(doc, { normId: id, memberId: m1, response: 'consent' }, ctx),
    )
    add(`closeRound ${id}`, (doc, ctx) => closeRound(doc, id, ctx))
    add(`settleRound ${id}`, (doc, ctx) => settleRound(doc, id, ctx))
    add(`retireNorm ${id}`, (doc, ctx) => retireNorm(doc, id, ctx))
    add(`withdrawNorm ${id}`, (doc, ctx) => withdrawNorm(doc, id, ctx))
  }
  for (const id of roles) {
    add(`renameRole ${id}`, (doc) => renameRole(doc, id, 'Timekeeper'))
    add(`setRoleTerm ${id}`, (doc) => setRoleTerm(doc, id, 'monthly'))
    add(`retireRole ${id}`, (doc, ctx) => retireRole(doc, id, ctx))
  }
  for (const id of formats) {
    add(`copyFormat ${id}`, (doc, ctx) => copyFormat(doc, id, ctx))
    add(`updateFormat ${id}`, (doc, ctx) => updateFormat(doc, id, { name: 'Ours' }, ctx))
    add(`retireFormat ${id}`, (doc, ctx) => retireFormat(doc, id, ctx))
    const steps = pick(view.formats[id]?.steps ?? {})
    add(`addFormatStep ${id}`, (doc, ctx) => addFormatStep(doc, id, steps[0] ?? null, 'Open', ctx))
    for (const step of steps) {
      add(`updateFormatStep ${id} ${step}`, (doc, ctx) =>
        updateFormatStep(doc, id, step, { title: 'Round', minutes: 10, speakerMinutes: 2 }, ctx),
      )
      add(`moveFormatStep ${id} ${step}`, (doc, ctx) => moveFormatStep(doc, id, step, 1, ctx))
      add(`removeFormatStep ${id} ${step}`, (doc, ctx) => removeFormatStep(doc, id, step, ctx))
    }
  }
  for (const id of pairings) {
    add(`declinePairing ${id}`, (doc, ctx) =>
      declinePairing(doc, id, view.pairings[id]?.menteeId ?? m0, ctx),
    )
  }
  for (const id of outside) {
    add(`endOutsideRelationship ${id}`, (doc, ctx) => endOutsideRelationship(doc, id, ctx))
    add(`removeOutsideRelationship ${id}`, (doc, ctx) => removeOutsideRelationship(doc, id, ctx))
  }
  return out
}

/** Runs `command`; a DomainError is a refusal (returned), anything else is rethrown. */
export function refusalOf(run: () => unknown): string | null {
  try {
    run()
    return null
  } catch (error) {
    if (error instanceof DomainError) return error.message
    throw error
  }
}
