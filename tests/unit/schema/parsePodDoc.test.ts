import { describe, expect, it } from 'vitest'
import { REPAIRED_POD_ID, parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { CURRENT_SCHEMA_VERSION } from '../../../src/schema/version.ts'
import { addMember } from '../../../src/domain/members.ts'
import { newPod, testContext } from '../support/testContext.ts'

// Tests corrupt the document on purpose, so they write to it untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>

function goodPod() {
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx)
  const memberId = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
  return { doc: structuredClone(doc) as unknown as Loose, founderId, memberId }
}

describe('parsePodDoc', () => {
  it('reads a well-formed pod with no problems', () => {
    const { doc } = goodPod()
    const parsed = parsePodDoc(doc)
    expect(parsed).toEqual({ ok: true, view: doc, problems: [], readOnly: false })
  })

  it('fails clearly for values that are not pods', () => {
    expect(parsePodDoc(null)).toEqual({
      ok: false,
      problems: ['This is not a pod: it is not an object.'],
    })
    expect(parsePodDoc([1, 2])).toMatchObject({ ok: false })
    expect(parsePodDoc({ notes: 'hello' })).toEqual({
      ok: false,
      problems: ['This is not a pod: it has no pod id.'],
    })
    // A file being opened must show its pod id.
    expect(parsePodDoc({ members: {} }, { strict: true })).toEqual({
      ok: false,
      problems: ['This is not a pod: it has no pod id.'],
    })
  })

  it('reads a pod whose facts a peer broke or removed, with one id on every device', () => {
    const { doc } = goodPod()
    for (const broken of [
      { ...doc, pod: { ...doc.pod, id: '' } },
      { ...doc, pod: 7 },
    ]) {
      const parsed = parsePodDoc(broken)
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) continue
      expect(parsed.view.pod.id).toBe(REPAIRED_POD_ID)
      expect(Object.keys(parsed.view.members)).toEqual(Object.keys(doc.members))
      expect(parsed.problems.join(' ')).toMatch(/pod: /)
    }
    const withoutFacts: Record<string, unknown> = { ...doc }
    delete withoutFacts['pod']
    expect(parsePodDoc(withoutFacts).ok).toBe(true)
  })

  it('repairs missing fields with defaults and says which', () => {
    const { doc, memberId } = goodPod()
    delete doc['members'][memberId].stage
    delete doc['roles']
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.view.members[memberId]?.stage).toBe('newer')
    expect(parsed.view.roles).toEqual({})
    expect(parsed.problems).toContain(
      `document.members.${memberId}: stage "undefined" is not one of newer, practising, experienced`,
    )
  })

  it('repairs wrong types without crashing', () => {
    const { doc, memberId } = goodPod()
    doc['members'][memberId].name = 42
    doc['members'][memberId].joinedAt = 'yesterday'
    doc['members'][memberId].devices = 'lots'
    doc['pod'].kind = 'choir'
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.view.members[memberId]).toMatchObject({
      name: 'Unnamed member',
      joinedAt: 0,
      devices: {},
    })
    expect(parsed.view.pod.kind).toBe('learning-pod')
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        `document.members.${memberId}: name was not text`,
        `document.members.${memberId}: joinedAt was not a number`,
        `document.members.${memberId}: devices was not a map`,
        'pod: kind "choir" is not one of learning-pod, cohort, circle',
      ]),
    )
  })

  it('leaves out entries that are not objects, keeping the rest', () => {
    const { doc, founderId, memberId } = goodPod()
    doc['members']['junk'] = 'not a member'
    doc['members'][memberId] = null
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(Object.keys(parsed.view.members)).toEqual([founderId])
    expect(parsed.problems).toEqual(
      expect.arrayContaining(['document.members.junk: left out: not an object']),
    )
  })

  it('drops attendance values that are not present/absent/excused', () => {
    const { doc, memberId } = goodPod()
    doc['meetings'] = {
      m1: {
        id: 'm1',
        scheduledFor: 1,
        status: 'held',
        attendance: { [memberId]: 'present', x: 'asleep' },
        createdAt: 1,
      },
    }
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.view.meetings['m1']?.attendance).toEqual({ [memberId]: 'present' })
    expect(parsed.view.meetings['m1']?.insights).toEqual({})
  })

  it('opens a document from a newer Tend read-only, keeping what it knows', () => {
    const { doc, founderId } = goodPod()
    doc['schemaVersion'] = CURRENT_SCHEMA_VERSION + 1
    doc['futureThing'] = { a: 1 }
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.readOnly).toBe(true)
    expect(parsed.view.members[founderId]?.name).toBe('Amara')
    expect(parsed.problems[0]).toContain('written by a newer Tend')
  })

  // Regression: `String(v)` on a value a peer wrote threw, and the pod could not be opened.
  it('reads a field whose toString is not a function without throwing', () => {
    const { doc, memberId } = goodPod()
    doc['pod'].kind = { toString: 1 }
    doc['members'][memberId].stage = { valueOf: 'x', toString: 'y' }
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.view.pod.kind).toBe('learning-pod')
    expect(parsed.problems).toContain(
      'pod: kind (an object) is not one of learning-pod, cohort, circle',
    )
  })

  it('keeps ids such as valueOf and constructor as ordinary ids, and leaves __proto__ out', () => {
    const { doc, memberId } = goodPod()
    const member = doc['members'][memberId]
    doc['members']['valueOf'] = { ...member, id: 'valueOf', name: 'Val' }
    doc['members']['constructor'] = { ...member, id: 'constructor', name: 'Con' }
    Object.defineProperty(doc['members'], '__proto__', {
      value: { ...member, name: 'Proto' },
      enumerable: true,
    })
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.view.members['valueOf']?.name).toBe('Val')
    expect(parsed.view.members['constructor']?.name).toBe('Con')
    expect(Object.keys(parsed.view.members)).not.toContain('__proto__')
    expect(parsed.problems).toContain(
      'document.members.__proto__: left out: not an id Tend can store',
    )
  })

  it('reads an unknown time zone as UTC and a date out of range as the nearest it can show', () => {
    const { doc, memberId } = goodPod()
    doc['containers'] = {
      c1: {
        id: 'c1',
        kind: 'circle',
        name: 'Circle',
        cadence: 'weekly',
        weekday: 9,
        time: '18:00',
        durationMinutes: 60,
        timeZone: 'Mars/Olympus_Mons',
        minutesPerMentee: null,
        startsAt: 1e300,
        retiredAt: -1e17,
      },
    }
    doc['members'][memberId].awayUntil = 8.64e15 + 1
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected ok')
    expect(parsed.view.containers['c1']).toMatchObject({
      timeZone: 'UTC',
      weekday: 1,
      startsAt: Date.UTC(2200, 0, 1),
      retiredAt: null,
    })
    expect(parsed.view.members[memberId]?.awayUntil).toBeNull()
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        'document.containers.c1: timeZone "Mars/Olympus_Mons" is not a time zone; read as UTC',
        'document.containers.c1: weekday "9" is not a whole number from 0 to 6',
        'document.containers.c1: startsAt was not a date Tend can show',
      ]),
    )
  })
})

describe('corrections and withdrawn items (schema 4)', () => {
  function podWithItems() {
    const { doc, founderId } = goodPod()
    doc['meetings'] = {
      m1: {
        id: 'm1',
        containerId: null,
        scheduledFor: doc['pod'].createdAt,
        status: 'held',
        reason: null,
        rescheduledTo: null,
        heldAt: null,
        attendance: {},
        roleHolders: {},
        // As stored before schema 4: no withdrawnAt, no withdrawnBy.
        checkIns: { c1: { id: 'c1', memberId: founderId, text: 'Here', at: 1e12 } },
        insights: {},
        actions: {},
        notesUrl: null,
        formatId: null,
        createdAt: 1e12,
      },
    }
    return { doc, founderId }
  }

  it('reads a pod from before schema 4 with no corrections and its items standing, quietly', () => {
    const { doc } = podWithItems()
    delete doc['corrections']
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('not parsed')
    expect(parsed.problems).toEqual([])
    expect(Object.keys(parsed.view.corrections)).toEqual([])
    expect(parsed.view.meetings['m1']?.checkIns['c1']).toMatchObject({
      withdrawnAt: null,
      withdrawnBy: null,
    })
  })

  it('leaves out a correction that does not say what it changed or who, and says so', () => {
    const { doc, founderId } = podWithItems()
    const good = {
      id: 'k1',
      target: 'check-in',
      meetingId: 'm1',
      itemId: 'c1',
      field: 'text',
      before: 'Hre',
      after: 'Here',
      by: founderId,
      at: 1e12,
    }
    doc['corrections'] = {
      k1: good,
      k2: { ...good, id: 'k2', target: 'meeting' },
      k3: { ...good, id: 'k3', field: 'colour' },
      k4: { ...good, id: 'k4', by: 7 },
      k5: { ...good, id: 'k5', before: 3 },
    }
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('not parsed')
    expect(Object.keys(parsed.view.corrections)).toEqual(['k1', 'k5'])
    expect(parsed.view.corrections['k1']).toEqual(good)
    expect(parsed.view.corrections['k5']?.before).toBeNull()
    expect(parsed.problems.filter((p) => p.includes('left out: a correction'))).toHaveLength(3)
    expect(parsed.problems).toContain('document.corrections.k5: before was not text')
  })

  it('reads a withdrawal a peer broke as standing, and says so', () => {
    const { doc } = podWithItems()
    doc['meetings'].m1.checkIns.c1.withdrawnAt = 'yesterday'
    doc['meetings'].m1.checkIns.c1.withdrawnBy = { name: 'x' }
    doc['corrections'] = 4
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('not parsed')
    expect(parsed.view.meetings['m1']?.checkIns['c1']).toMatchObject({
      withdrawnAt: null,
      withdrawnBy: null,
    })
    expect(parsed.view.corrections).toEqual({})
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        'document.meetings.m1.checkIns.c1: withdrawnAt was not a number',
        'document.meetings.m1.checkIns.c1: withdrawnBy was not text',
        'document: corrections was not a map',
      ]),
    )
  })
})

describe('signed membership a peer may have broken', () => {
  it('leaves out removals, key epochs and grants that are not whole, and says so', () => {
    const { doc, memberId } = goodPod()
    const device = { id: 'd', publicKey: 'key', label: 'x', addedAt: 0 }
    doc['members'][memberId].devices['d'] = { ...device, sealingKey: 7, sealingKeySignature: 's' }
    doc['removals'] = {
      r1: {
        id: 'r1',
        memberId,
        deviceKey: null,
        requestedBy: 'k',
        requestedAt: 1,
        epochSeen: 0,
        signature: 's',
        confirmations: { c: { by: 'k2', at: 'soon' } },
      },
      r2: { id: 'r2', memberId, requestedBy: 'k', requestedAt: 1, epochSeen: -1, signature: 's' },
    }
    doc['keyEpochs'] = {
      e1: {
        id: 'e1',
        epoch: 1,
        removals: ['r1'],
        boxes: { k: 'b', j: 5 },
        secretCheck: 'c',
        madeBy: 'k',
        madeAt: 1,
        signature: 's',
      },
      e2: {
        id: 'e2',
        epoch: 0,
        removals: [],
        boxes: {},
        secretCheck: 'c',
        madeBy: 'k',
        madeAt: 1,
        signature: 's',
      },
      e3: {
        id: 'e3',
        epoch: 2,
        removals: 'r1',
        boxes: {},
        secretCheck: 'c',
        madeBy: 'k',
        madeAt: 1,
        signature: 's',
      },
    }
    doc['keyGrants'] = {
      g1: {
        id: 'g1',
        epochId: 'e1',
        epoch: 1,
        to: 'k',
        box: null,
        madeBy: 'k',
        madeAt: 1,
        signature: 's',
      },
    }
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('not read')
    expect(parsed.view.members[memberId]?.devices['d']).toMatchObject({
      sealingKey: null,
      sealingKeySignature: null,
    })
    expect(Object.keys(parsed.view.removals)).toEqual(['r1'])
    expect(parsed.view.removals['r1']?.confirmations).toEqual({})
    expect(parsed.view.keyEpochs).toEqual({})
    expect(parsed.view.keyGrants).toEqual({})
    expect(parsed.problems).toEqual([
      `document.members.${memberId}.devices.d: its sealing key was not a key with its signature; left out`,
      'document.removals.r1.confirmations.c: left out: not a whole confirmation',
      'document.removals.r2: left out: not a whole removal request',
      'document.keyEpochs.e1: left out: not a whole key epoch',
      'document.keyEpochs.e2: left out: not a whole key epoch',
      'document.keyEpochs.e3: left out: not a whole key epoch',
      'document.keyGrants.g1: left out: not a whole key grant',
    ])
  })
})
