import { useCallback } from 'react'
import type { PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from '../domain/commandContext.ts'
import {
  memberChanges,
  recordMemberChanges,
  type MemberChange,
} from '../domain/memberSignatures.ts'
import { podKeyOf } from '../adapters/automerge/podStore.ts'
import { signMemberChanges, verifiedPodOf } from '../adapters/crypto/podKeyring.ts'
import type { DeviceKeys } from '../adapters/crypto/deviceIdentity.ts'
import { useServices, type TendServices } from './services.ts'
import { refuseIfReadOnly } from './podAccess.ts'

type Signed = { change: MemberChange; signature: string }[]

/**
 * Runs `command` on a copy of `before` to learn what it changes in the member list, and signs
 * those changes with this device's key. Returns the signed changes and a context that replays
 * the same time and ids, so the command run again on the document makes what was signed.
 */
export async function signCommand<T>(
  podKey: string,
  keys: DeviceKeys,
  before: PodDoc,
  ctx: CommandContext,
  command: (doc: PodDoc, ctx: CommandContext) => T,
  founderProof: string | null = null,
): Promise<{ signed: Signed; replay: CommandContext }> {
  const ids: string[] = []
  const draft = structuredClone(before)
  command(draft, {
    now: ctx.now,
    newId: () => {
      const id = ctx.newId()
      ids.push(id)
      return id
    },
  })
  const changes = memberChanges(before, draft, {
    by: keys.publicKeyText,
    at: ctx.now,
    founderProof,
  })
  const signed = await signMemberChanges(podKey, keys, changes)
  let next = 0
  return { signed, replay: { now: ctx.now, newId: () => ids[next++] ?? ctx.newId() } }
}

/**
 * Applies a command that may change the member list, signed by this device: every member
 * created, field changed and device listed carries this device's signature
 * (memberSignatures.ts), so every member's device counts it — at `context`'s time (now, unless
 * given). Rejects with the command's error, leaving the pod unchanged, or with a plain refusal
 * on a device removed from the pod.
 */
export async function changeMembers<T>(
  services: TendServices,
  url: string,
  command: (doc: PodDoc, ctx: CommandContext) => T,
  context: CommandContext = services.context(),
): Promise<T> {
  await refuseIfReadOnly(services, url)
  // A pod still opening (its cached view shown) is signed against the live document: wait for it.
  let raw = services.pods.peek(url)
  if (raw === null) {
    await services.pods.keepOpen(url)
    raw = services.pods.peek(url)
  }
  if (raw === null) throw new Error('This pod is not open on this device yet.')
  const podKey = podKeyOf(url)
  const { view } = await verifiedPodOf(raw, podKey)
  const { signed, replay } = await signCommand(podKey, services.deviceKeys, view, context, command)
  return services.pods.change(url, (doc) => {
    const result = command(doc, replay)
    recordMemberChanges(doc, signed)
    return result
  })
}

/** `usePodCommand` for commands that change the member list: signed (see `changeMembers`). */
export function useMemberCommand(
  url: string,
): <T>(command: (doc: PodDoc, ctx: CommandContext) => T) => Promise<T> {
  const services = useServices()
  return useCallback((command) => changeMembers(services, url, command), [services, url])
}
