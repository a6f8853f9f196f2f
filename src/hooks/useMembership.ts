import { useCallback, useEffect, useState } from 'react'
import type { PodDoc } from '../schema/podDocument.ts'
import {
  checkConfirmation,
  checkRemoval,
  recordConfirmation,
  recordRemoval,
  type KeyState,
} from '../domain/keyEpochs.ts'
import { podKeyOf } from '../adapters/automerge/podStore.ts'
import { setMemberStatus } from '../domain/members.ts'
import { keyStateOf, signConfirmation, signRemoval } from '../adapters/crypto/podKeyring.ts'
import { useServices } from './services.ts'
import { changeMembers } from './signedMembers.ts'
import { changePod } from './podAccess.ts'

/** The pod's signed membership (removals, pending removals, what was ignored); null while read. */
export function useKeyState(url: string, view: PodDoc): KeyState | null {
  const [state, setState] = useState<{ view: PodDoc; state: KeyState } | null>(null)
  useEffect(() => {
    let live = true
    void keyStateOf(view, podKeyOf(url)).then((s) => live && setState({ view, state: s }))
    return () => {
      live = false
    }
  }, [url, view])
  return state?.state ?? null
}

export interface MembershipCommands {
  /** Removes a device (at once when it is one of this member's, else pending). */
  removeDevice(memberId: string, deviceKey: string): Promise<'at-once' | 'needs-confirmation'>
  /** Removes a member with all their devices (pending until a second member confirms). */
  removeMember(memberId: string): Promise<'at-once' | 'needs-confirmation'>
  /** Confirms another member's removal request, as a second member. */
  confirmRemoval(removalId: string): Promise<void>
  /**
   * Leaves the pod: this member's own signed removal (it takes effect at once, and the others'
   * devices move to a new key without them) and their status set to left, in one change. Call
   * only while a member's device is connected: the change reaches it at once, before this
   * device stops syncing.
   */
  leave(memberId: string): Promise<void>
}

/**
 * Signed membership changes made on this device. Each is checked by the domain rules on the pod
 * as this device has it, signed with this device's key, and written; the re-key that follows is
 * made by this device's mesh (see podKeeper.ts). Rejects with a plain message when refused.
 */
export function useMembership(url: string): MembershipCommands {
  const services = useServices()
  const request = useCallback(
    async (memberId: string, deviceKey: string | null, leaving = false) => {
      const view = services.pods.peek(url)
      if (view === null) throw new Error('This pod is not open on this device yet.')
      const podKey = podKeyOf(url)
      const state = await keyStateOf(view, podKey)
      const requestedBy = services.deviceKeys.publicKeyText
      const how = checkRemoval(view, state, { memberId, deviceKey, requestedBy })
      const ring = { keys: services.deviceKeys, sealing: await services.device.sealingKeys() }
      const ctx = services.context()
      // Leaving is one change: the removal and the (signed) status, so whoever receives one
      // has both. The status is signed while this device still counts as a member's: the
      // removal takes effect a moment (1 ms) after it, else every device would read the status
      // change as made by a removed device and list it as ignored.
      const removal = await signRemoval(podKey, ring, {
        id: ctx.newId(),
        memberId,
        deviceKey,
        now: leaving ? ctx.now + 1 : ctx.now,
        epochSeen: state.current.epoch,
      })
      if (leaving)
        await changeMembers(
          services,
          url,
          (doc, at) => {
            recordRemoval(doc, removal)
            setMemberStatus(doc, memberId, 'left', at)
          },
          ctx,
        )
      else await changePod(services, url, (doc) => recordRemoval(doc, removal))
      return how
    },
    [services, url],
  )
  const confirmRemoval = useCallback(
    async (removalId: string) => {
      const view = services.pods.peek(url)
      if (view === null) throw new Error('This pod is not open on this device yet.')
      const podKey = podKeyOf(url)
      const state = await keyStateOf(view, podKey)
      const by = services.deviceKeys.publicKeyText
      checkConfirmation(view, state, { removalId, by })
      const ring = { keys: services.deviceKeys, sealing: await services.device.sealingKeys() }
      const { now } = services.context()
      const confirmation = await signConfirmation(podKey, ring, {
        removalId,
        now,
        epochSeen: state.current.epoch,
      })
      await changePod(services, url, (doc) =>
        recordConfirmation(doc, removalId, services.deviceKeys.deviceId, confirmation),
      )
    },
    [services, url],
  )
  return {
    removeDevice: useCallback((m, d) => request(m, d), [request]),
    removeMember: useCallback((m) => request(m, null), [request]),
    leave: useCallback(
      async (memberId: string) => {
        await request(memberId, null, true)
      },
      [request],
    ),
    confirmRemoval,
  }
}
