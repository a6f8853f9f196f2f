import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  checkConfirmation,
  checkRemoval,
  readKeyState,
  recordConfirmation,
  recordKeyEpoch,
  recordKeyGrant,
  recordRemoval,
  removalOfDevice,
  signedStatements,
  keyGrantId,
  type KeyState,
} from '../../../src/domain/keyEpochs.ts'
import { addMember, addMemberDevice, setMemberStatus } from '../../../src/domain/members.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import type { KeyEpoch, PodDoc, Removal } from '../../../src/schema/podDocument.ts'
import { newPod, testContext } from '../support/testContext.ts'

/**
 * Signatures are checked by the adapter; here a signature is valid when it is `ok:<tag>` for
 * the tag the rules ask about, so a forged entry is one whose signature says otherwise.
 */
function validTags(doc: PodDoc): Set<string> {
  return new Set(
    signedStatements(doc, 'pod').flatMap((s) => (s.signature === `ok:${s.signer}` ? [s.tag] : [])),
  )
}
const state = (doc: PodDoc): KeyState => readKeyState(doc, validTags(doc))

/** A pod with Amara (phone, laptop), Bo and Cy, every device with a signed sealing key. */
function pod() {
  const ctx = testContext()
  const { doc, founderId: amara } = newPod(ctx)
  const dev = (id: string) => ({ id, publicKey: `key-${id}`, label: id })
  addMemberDevice(doc, amara, dev('amara-phone'), ctx)
  addMemberDevice(doc, amara, dev('amara-laptop'), ctx)
  const bo = addMember(doc, { name: 'Bo', stage: 'newer', device: dev('bo') }, ctx)
  const cy = addMember(doc, { name: 'Cy', stage: 'newer', device: dev('cy') }, ctx)
  for (const m of Object.values(doc.members))
    for (const d of Object.values(m.devices)) {
      d.sealingKey = `seal-${d.id}`
      d.sealingKeySignature = `ok:${d.publicKey}`
    }
  return { ctx, doc, amara, bo, cy }
}

function removal(
  over: Partial<Removal> & Pick<Removal, 'id' | 'memberId' | 'requestedBy'>,
): Removal {
  return {
    deviceKey: null,
    requestedAt: Date.UTC(2026, 0, 6),
    epochSeen: 0,
    signature: `ok:${over.requestedBy}`,
    confirmations: {},
    ...over,
  }
}

function epoch(over: Partial<KeyEpoch> & Pick<KeyEpoch, 'id' | 'epoch' | 'madeBy'>): KeyEpoch {
  return {
    removals: [],
    boxes: {},
    secretCheck: `check-${over.id}`,
    madeAt: Date.UTC(2026, 0, 7),
    signature: `ok:${over.madeBy}`,
    ...over,
  }
}

describe('removals', () => {
  it('removes one’s own lost device at once, and asks for a re-key', () => {
    const { doc, amara } = pod()
    const s0 = state(doc)
    expect(
      checkRemoval(doc, s0, {
        memberId: amara,
        deviceKey: 'key-amara-phone',
        requestedBy: 'key-amara-laptop',
      }),
    ).toBe('at-once')
    recordRemoval(
      doc,
      removal({
        id: 'r1',
        memberId: amara,
        deviceKey: 'key-amara-phone',
        requestedBy: 'key-amara-laptop',
      }),
    )
    const s = state(doc)
    expect([...s.removedDevices]).toEqual(['key-amara-phone'])
    expect(s.removedMembers.size).toBe(0)
    expect(s.needsRekey).toBe(true)
    expect(removalOfDevice(s, 'key-amara-phone')?.removal.id).toBe('r1')
    expect(s.activeDevices.map((d) => d.deviceKey).sort()).toEqual([
      'key-amara-laptop',
      'key-bo',
      'key-cy',
    ])
  })

  it('keeps the removal of someone else pending until a second member confirms it', () => {
    const { doc, bo, cy } = pod()
    expect(
      checkRemoval(doc, state(doc), {
        memberId: bo,
        deviceKey: null,
        requestedBy: 'key-amara-phone',
      }),
    ).toBe('needs-confirmation')
    recordRemoval(doc, removal({ id: 'r1', memberId: bo, requestedBy: 'key-amara-phone' }))
    let s = state(doc)
    expect(s.pending.map((r) => r.id)).toEqual(['r1'])
    expect(s.removedDevices.size).toBe(0)
    expect(s.needsRekey).toBe(false)
    // The requester's other device is the same member: it cannot confirm; nor can Bo.
    expect(() => checkConfirmation(doc, s, { removalId: 'r1', by: 'key-amara-laptop' })).toThrow(
      DomainError,
    )
    expect(() => checkConfirmation(doc, s, { removalId: 'r1', by: 'key-bo' })).toThrow(DomainError)
    recordConfirmation(doc, 'r1', 'amara-laptop', {
      by: 'key-amara-laptop',
      at: Date.UTC(2026, 0, 6, 1),
      epochSeen: 0,
      signature: 'ok:key-amara-laptop',
    })
    expect(state(doc).removedMembers.size).toBe(0)
    expect(checkConfirmation(doc, state(doc), { removalId: 'r1', by: 'key-cy' }).id).toBe('r1')
    recordConfirmation(doc, 'r1', 'cy', {
      by: 'key-cy',
      at: Date.UTC(2026, 0, 6, 2),
      epochSeen: 0,
      signature: 'ok:key-cy',
    })
    s = state(doc)
    expect([...s.removedMembers]).toEqual([bo])
    expect([...s.removedDevices]).toEqual(['key-bo'])
    expect(s.pending).toEqual([])
    expect(s.effective[0]?.by).toBe('key-cy')
    expect(s.needsRekey).toBe(true)
    void cy
  })

  it('ignores and reports a forged request, a forged confirmation and a request by a stranger', () => {
    const { doc, bo, cy } = pod()
    recordRemoval(
      doc,
      removal({ id: 'forged', memberId: bo, requestedBy: 'key-cy', signature: 'made-up' }),
    )
    recordRemoval(
      doc,
      removal({ id: 'stranger', memberId: bo, requestedBy: 'key-eve', signature: 'ok:key-eve' }),
    )
    recordRemoval(doc, removal({ id: 'r3', memberId: cy, requestedBy: 'key-bo' }))
    recordConfirmation(doc, 'r3', 'amara-phone', {
      by: 'key-amara-phone',
      at: Date.UTC(2026, 0, 6, 1),
      epochSeen: 0,
      signature: 'forged',
    })
    const s = state(doc)
    expect(s.removedDevices.size).toBe(0)
    expect(s.pending.map((r) => r.id)).toEqual(['r3'])
    expect([...s.ignored].sort()).toEqual([
      'A confirmation of removal r3 was ignored: its signature does not verify.',
      'A removal request (forged) was ignored: its signature does not verify.',
      "A removal request (stranger) was ignored: the device that made it (key-eve) was not an active member's.",
    ])
  })

  it('does not count a confirmation by a device removed before it', () => {
    const { doc, amara, bo, cy } = pod()
    // Cy removes themself first; later Cy's device confirms Amara's request to remove Bo.
    recordRemoval(
      doc,
      removal({ id: 'r0', memberId: cy, requestedBy: 'key-cy', requestedAt: Date.UTC(2026, 0, 5) }),
    )
    recordRemoval(doc, removal({ id: 'r1', memberId: bo, requestedBy: 'key-amara-phone' }))
    recordConfirmation(doc, 'r1', 'cy', {
      by: 'key-cy',
      at: Date.UTC(2026, 0, 6, 2),
      epochSeen: 0,
      signature: 'ok:key-cy',
    })
    const s = state(doc)
    expect([...s.removedMembers]).toEqual([cy])
    expect(s.pending.map((r) => r.id)).toEqual(['r1'])
    expect(s.ignored).toContain(
      'A confirmation of removal r1 was ignored: it was not made by a second active member.',
    )
    void amara
  })
})

// Regression: a member's status is unsigned; marking the requester "left" later brought a removed
// member back.
it('keeps a removal in effect when its requester is later marked as left', () => {
  const { doc, ctx, amara, bo } = pod()
  recordRemoval(doc, removal({ id: 'r1', memberId: bo, requestedBy: 'key-amara-phone' }))
  recordConfirmation(doc, 'r1', 'cy', {
    by: 'key-cy',
    at: Date.UTC(2026, 0, 6, 2),
    epochSeen: 0,
    signature: 'ok:key-cy',
  })
  setMemberStatus(doc, amara, 'left', ctx)
  expect([...state(doc).removedMembers]).toEqual([bo])
})

describe('key epochs', () => {
  it('takes the highest valid epoch, and the lowest signature among entries for one epoch', () => {
    const { doc } = pod()
    recordKeyEpoch(doc, epoch({ id: 'e1', epoch: 1, madeBy: 'key-bo', signature: 'ok:key-bo' }))
    expect(state(doc).current.entry?.id).toBe('e1')
    // Two entries for epoch 2, made at once; validity is `ok:<maker>`, so compare by maker.
    recordKeyEpoch(doc, epoch({ id: 'e2-cy', epoch: 2, madeBy: 'key-cy' }))
    recordKeyEpoch(doc, epoch({ id: 'e2-bo', epoch: 2, madeBy: 'key-bo' }))
    expect(state(doc).current).toMatchObject({ epoch: 2, entry: { id: 'e2-bo' } })
    // A forged epoch 9 and one by a stranger are ignored, and said so.
    recordKeyEpoch(doc, epoch({ id: 'e9', epoch: 9, madeBy: 'key-bo', signature: 'forged' }))
    recordKeyEpoch(doc, epoch({ id: 'e8', epoch: 8, madeBy: 'key-eve', signature: 'ok:key-eve' }))
    const s = state(doc)
    expect(s.current.epoch).toBe(2)
    expect(s.ignored).toEqual([
      "A new key (epoch 8) was ignored: the device that made it (key-eve) was not an active member's.",
      'A new key (epoch 9) was ignored: its signature does not verify.',
    ])
  })

  it('asks for a further epoch when the winner still seals to a device another removal removed', () => {
    const { doc, amara, bo, cy } = pod()
    recordRemoval(doc, removal({ id: 'rb', memberId: bo, requestedBy: 'key-bo' }))
    recordRemoval(doc, removal({ id: 'rc', memberId: cy, requestedBy: 'key-cy' }))
    // Amara's phone knew only of Bo's removal when it re-keyed: Cy still has a box.
    const boxes = { 'key-amara-phone': 'b', 'key-amara-laptop': 'b', 'key-cy': 'b' }
    recordKeyEpoch(
      doc,
      epoch({ id: 'e1', epoch: 1, madeBy: 'key-amara-phone', boxes, removals: ['rb'] }),
    )
    expect(state(doc).needsRekey).toBe(true)
    const remaining = { 'key-amara-phone': 'b', 'key-amara-laptop': 'b' }
    recordKeyEpoch(doc, epoch({ id: 'e2', epoch: 2, madeBy: 'key-amara-laptop', boxes: remaining }))
    const s = state(doc)
    expect(s.needsRekey).toBe(false)
    expect([...(s.holders ?? [])].sort()).toEqual(['key-amara-laptop', 'key-amara-phone'])
    expect(s.missingGrants).toEqual([])
    void amara
  })

  it('lists devices an epoch missed, until a holder grants them the secret', () => {
    const { doc, ctx, amara } = pod()
    const boxes = { 'key-amara-phone': 'b', 'key-amara-laptop': 'b', 'key-bo': 'b' }
    recordKeyEpoch(doc, epoch({ id: 'e1', epoch: 1, madeBy: 'key-amara-phone', boxes }))
    expect(state(doc).missingGrants.map((d) => d.deviceKey)).toEqual(['key-cy'])
    const grant = {
      id: keyGrantId('e1', 'key-cy'),
      epochId: 'e1',
      epoch: 1,
      to: 'key-cy',
      box: 'b',
      madeBy: 'key-bo',
      madeAt: ctx.now,
    }
    recordKeyGrant(doc, { ...grant, signature: 'forged' })
    expect(state(doc).missingGrants.map((d) => d.deviceKey)).toEqual(['key-cy'])
    delete doc.keyGrants[grant.id]
    recordKeyGrant(doc, { ...grant, signature: 'ok:key-bo' })
    expect(state(doc).missingGrants).toEqual([])
    // A device with no verified sealing key cannot be sealed to: it is not listed as missing.
    addMemberDevice(doc, amara, { id: 'tablet', publicKey: 'key-tablet', label: 'tablet' }, ctx)
    expect(state(doc).missingGrants).toEqual([])
  })

  it('ignores a sealing key whose signature does not verify', () => {
    const { doc, bo } = pod()
    const device = Object.values(doc.members[bo]!.devices)[0]!
    device.sealingKeySignature = 'forged'
    const s = state(doc)
    expect(s.activeDevices.find((d) => d.deviceKey === 'key-bo')?.sealingKey).toBeNull()
    expect(s.ignored).toEqual([
      'The sealing key of device key-bo was ignored: its signature does not verify.',
    ])
  })
})

/**
 * Convergence: devices on forks of one pod remove and join concurrently, each running the
 * re-key rules on what it has; forks merge (every entry is keyed by its own id, so a merge is a
 * union). However they interleave, once everything has merged and no device has more to write,
 * there is one current secret, every remaining device can open it, and no removed device can.
 */
describe('concurrent removals and joins', () => {
  type Fork = { doc: PodDoc; secret: string }
  const merge = (a: PodDoc, b: PodDoc): PodDoc => {
    const out = structuredClone(a)
    for (const [id, m] of Object.entries(b.members)) {
      const mine = out.members[id]
      if (mine === undefined) out.members[id] = structuredClone(m)
      else
        for (const [did, d] of Object.entries(m.devices)) mine.devices[did] ??= structuredClone(d)
    }
    for (const key of ['removals', 'keyEpochs', 'keyGrants'] as const)
      for (const [id, v] of Object.entries(b[key]))
        if (out[key][id] === undefined)
          (out[key] as Record<string, unknown>)[id] = structuredClone(v)
        else if (key === 'removals')
          Object.assign(
            out.removals[id]!.confirmations,
            structuredClone((v as Removal).confirmations),
          )
    return out
  }
  const opens = (s: KeyState, device: string) =>
    s.current.entry === null ? 'epoch-0' : s.holders?.has(device) ? s.current.entry.id : null

  /** One device's turn: take the secret it can open, then re-key or grant as the rules say. */
  function step(
    forks: Map<string, Fork>,
    device: string,
    clock: { t: number },
    seq: { n: number },
  ): boolean {
    const fork = forks.get(device)!
    const s = state(fork.doc)
    if (s.removedDevices.has(device)) return false
    if (!s.activeDevices.some((d) => d.deviceKey === device)) return false
    const open = opens(s, device)
    if (open !== null) fork.secret = open
    const holds = fork.secret === (s.current.entry?.id ?? 'epoch-0')
    if (!holds) return false
    clock.t += 1000
    if (s.needsRekey) {
      const id = `e${++seq.n}`
      const boxes: Record<string, string> = {}
      for (const d of s.activeDevices) if (d.sealingKey !== null) boxes[d.deviceKey] = 'b'
      // Signatures order the winners: a random-looking but deterministic one per entry.
      recordKeyEpoch(
        fork.doc,
        epoch({
          id,
          epoch: s.current.epoch + 1,
          madeBy: device,
          madeAt: clock.t,
          boxes,
          signature: `ok:${device}`,
        }),
      )
      fork.secret = id
      return true
    }
    if (s.missingGrants.length > 0 && s.current.entry !== null) {
      for (const d of s.missingGrants) {
        const id = keyGrantId(s.current.entry.id, d.deviceKey)
        recordKeyGrant(fork.doc, {
          id,
          epochId: s.current.entry.id,
          epoch: s.current.epoch,
          to: d.deviceKey,
          box: 'b',
          madeBy: device,
          madeAt: clock.t,
          signature: `ok:${device}`,
        })
      }
      return true
    }
    return false
  }

  const action = fc.oneof(
    fc.record({
      kind: fc.constant('remove' as const),
      by: fc.nat(5),
      target: fc.nat(7),
      confirmBy: fc.nat(5),
    }),
    fc.record({ kind: fc.constant('join' as const), at: fc.nat(5) }),
    fc.record({ kind: fc.constant('sync' as const), a: fc.nat(5), b: fc.nat(5) }),
    fc.record({ kind: fc.constant('step' as const), at: fc.nat(5) }),
  )

  it('converges to one secret per epoch that every remaining device opens', () => {
    const outcomes = new Set<number>()
    const contested = { n: 0 }
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), (actions) => {
        const { doc } = pod()
        const forks = new Map<string, Fork>()
        const devices = () => [...forks.keys()]
        for (const m of Object.values(doc.members))
          for (const d of Object.values(m.devices))
            forks.set(d.publicKey, { doc: structuredClone(doc), secret: 'epoch-0' })
        const clock = { t: Date.UTC(2026, 0, 6) }
        const seq = { n: 0 }
        let joins = 0
        const pick = <T>(list: T[], i: number) => list[i % list.length]!
        for (const a of actions) {
          const all = devices()
          if (a.kind === 'sync') {
            const x = forks.get(pick(all, a.a))!
            const y = forks.get(pick(all, a.b))!
            const merged = merge(x.doc, y.doc)
            x.doc = merged
            y.doc = structuredClone(merged)
          } else if (a.kind === 'step') {
            step(forks, pick(all, a.at), clock, seq)
          } else if (a.kind === 'join') {
            // Someone joins through this device's invite link: it carries this device's secret.
            const host = forks.get(pick(all, a.at))!
            const key = `key-new-${++joins}`
            clock.t += 1000
            addMember(
              host.doc,
              {
                name: `New ${joins}`,
                stage: 'newer',
                device: { id: `new-${joins}`, publicKey: key, label: 'phone' },
              },
              { now: clock.t, newId: () => `m-new-${joins}` },
            )
            const d = Object.values(host.doc.members[`m-new-${joins}`]!.devices)[0]!
            d.sealingKey = `seal-new-${joins}`
            d.sealingKeySignature = `ok:${key}`
            forks.set(key, { doc: structuredClone(host.doc), secret: host.secret })
          } else {
            const byKey = pick(all, a.by)
            const fork = forks.get(byKey)!
            const s = state(fork.doc)
            const members = Object.values(fork.doc.members)
            const target = pick(members, a.target)
            const targetDevice = Object.values(target.devices)[0]
            const input = {
              memberId: target.id,
              deviceKey: a.target % 2 === 0 ? null : (targetDevice?.publicKey ?? null),
              requestedBy: byKey,
            }
            let how: string
            try {
              how = checkRemoval(fork.doc, s, input)
            } catch {
              continue
            }
            clock.t += 1000
            const id = `r${clock.t}`
            recordRemoval(
              fork.doc,
              removal({ id, ...input, requestedAt: clock.t, epochSeen: s.current.epoch }),
            )
            if (how === 'needs-confirmation') {
              const confirmer = pick(all, a.confirmBy)
              const cf = forks.get(confirmer)!
              cf.doc = merge(cf.doc, fork.doc)
              try {
                checkConfirmation(cf.doc, state(cf.doc), { removalId: id, by: confirmer })
              } catch {
                continue
              }
              clock.t += 1000
              recordConfirmation(cf.doc, id, confirmer, {
                by: confirmer,
                at: clock.t,
                epochSeen: state(cf.doc).current.epoch,
                signature: `ok:${confirmer}`,
              })
            }
          }
        }
        // Then everyone meets: sync all, let every device act, until nobody writes.
        for (let round = 0; round < 20; round++) {
          let all = devices()
            .map((k) => forks.get(k)!.doc)
            .reduce(merge)
          for (const f of forks.values()) f.doc = structuredClone(all)
          let wrote = false
          for (const k of devices()) wrote = step(forks, k, clock, seq) || wrote
          if (!wrote) {
            all = devices()
              .map((k) => forks.get(k)!.doc)
              .reduce(merge)
            const s = state(all)
            const current = s.current.entry?.id ?? 'epoch-0'
            const holdersLeft = s.activeDevices.some((d) => opens(s, d.deviceKey) !== null)
            for (const k of devices()) {
              if (s.removedDevices.has(k)) expect(opens(s, k)).toBeNull()
              // Every remaining device opens the one current secret — unless every device that
              // could open it was removed, when nobody can make a new one.
              else if (holdersLeft) expect(opens(s, k)).toBe(current)
            }
            if (holdersLeft) expect(s.needsRekey).toBe(false)
            outcomes.add(s.current.epoch)
            const numbers = Object.values(all.keyEpochs).map((e) => e.epoch)
            if (new Set(numbers).size < numbers.length) contested.n++
            return
          }
        }
        throw new Error('the devices kept writing new keys')
      }),
      // A fixed seed: the checks below are about which cases the runs covered, and a random
      // seed sometimes drew none that reached a second epoch (seen once in CI).
      { numRuns: 300, seed: 20261202 },
    )
    // The runs reached several epochs, not only the first secret.
    expect(Math.max(...outcomes)).toBeGreaterThanOrEqual(2)
    // …and some had two devices re-key the same epoch at once.
    expect(contested.n).toBeGreaterThan(0)
  })
})
