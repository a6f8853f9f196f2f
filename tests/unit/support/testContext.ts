import type { CommandContext } from '../../../src/domain/commandContext.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { initPod, type NewPodInput } from '../../../src/domain/pods.ts'
import { legacyRecord } from '../../../src/schema/migrations.ts'

/** A deterministic context: ids "id-1", "id-2", … and a clock the test moves by hand. */
export function testContext(
  start = Date.UTC(2026, 0, 5, 18),
): CommandContext & { advance(ms: number): void } {
  let counter = 0
  const ctx = {
    now: start,
    newId: () => `id-${++counter}`,
    advance(ms: number) {
      ctx.now += ms
    },
  }
  return ctx
}

/** A new pod on a plain object, as `initPod` builds it inside a document change. */
export function newPod(
  ctx: CommandContext,
  overrides: Partial<NewPodInput> = {},
): { doc: PodDoc; founderId: string } {
  const doc = {} as PodDoc
  const founderId = initPod(
    doc,
    {
      name: 'Wednesday organisers',
      purpose: 'Learn to run campaigns together',
      kind: 'learning-pod',
      founder: { name: 'Amara', stage: 'experienced' },
      device: null,
      ...overrides,
    },
    ctx,
  )
  return { doc, founderId }
}

/**
 * Marks every member (and the devices listed under them now) as in the pod before signed
 * membership (`Member.legacy`), in place: for tests of other rules that build a pod through
 * domain commands without signing them.
 */
export function trustMembersAsLegacy<D extends Pick<PodDoc, 'members'>>(doc: D): D {
  for (const member of Object.values(doc.members)) member.legacy = legacyRecord(member)
  return doc
}

/** A copy of `doc` whose members all stand as legacy (see `trustMembersAsLegacy`). */
export function legacyCopy<D extends Pick<PodDoc, 'members'>>(doc: D): D {
  return trustMembersAsLegacy(structuredClone(doc))
}
