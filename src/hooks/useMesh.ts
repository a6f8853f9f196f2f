import { useCallback, useEffect, useState } from 'react'
import type { PodMeshStatus } from '../adapters/network/meshService.ts'
import { encodeInvite, decodeInvite, type Invite } from '../adapters/network/invite.ts'
import { sign } from '../adapters/crypto/deviceIdentity.ts'
import {
  INVITE_LIFETIME_MS,
  inviteStatement,
  recordInvite,
  recordInviteUse,
} from '../domain/invites.ts'
import { podKeyOf } from '../adapters/automerge/podStore.ts'
import { addMember, addMemberDevice } from '../domain/members.ts'
import { changeMembers } from './signedMembers.ts'
import { ownEntry } from '../schema/idMap.ts'
import { memberForDevice } from '../domain/podQueries.ts'
import type { PodState } from '../adapters/automerge/podStore.ts'
import { useServices } from './services.ts'
import { deviceLabel } from './useCreatePod.ts'
import { changePod } from './podAccess.ts'

/** The mesh status of one pod, as the leader tab last published it; null before the first. */
export function usePodMeshStatus(url: string): PodMeshStatus | null {
  const { mesh } = useServices()
  const podKey = podKeyOf(url)
  const [status, setStatus] = useState<PodMeshStatus | null>(
    () => mesh.status()?.pods[podKey] ?? null,
  )
  useEffect(() => mesh.subscribe((s) => setStatus(s.pods[podKey] ?? null)), [mesh, podKey])
  return status
}

/** Who this device reaches in a pod right now, by member name (for screens). */
export interface PodReach {
  status: PodMeshStatus | null
  /** Connected devices with their member (null: a device that is joining). */
  peers: (PodMeshStatus['peers'][number] & { member: ReturnType<typeof memberForDevice> })[]
  /** Names of the members reached, each once. */
  names: string[]
}

export function usePodReach(url: string, view: Parameters<typeof memberForDevice>[0]): PodReach {
  const status = usePodMeshStatus(url)
  const { deviceKeys } = useServices()
  const peers = (status?.peers ?? [])
    .filter((p) => p.publicKey !== deviceKeys.publicKeyText)
    .map((p) => ({ ...p, member: memberForDevice(view, p.publicKey) }))
  const names = [...new Set(peers.map((p) => p.member?.name ?? 'a device that is joining'))]
  return { status, peers, names }
}

/** Asks the device's mesh to try reaching the members again now. */
export function useTryAgain(): () => void {
  const { mesh } = useServices()
  return useCallback(() => mesh.tryAgain(), [mesh])
}

/** Whether this tab runs the device's mesh; null until known. */
export function useMeshLeader(): boolean | null {
  const { mesh } = useServices()
  const [leader, setLeader] = useState<boolean | null>(() => mesh.status()?.leader ?? null)
  useEffect(() => mesh.subscribe((s) => setLeader(s.leader)), [mesh])
  return leader
}

export interface InviteOptions {
  /** How many people may join with it (one by default). */
  uses?: number
  /** A link for another device of this member: it joins as them, not as a new member. */
  forMyDevice?: boolean
}

/**
 * Makes an invite link for a pod (fragment only: the secret never reaches a server), and records
 * the invite in the pod, signed by this device, so every member's device admits its holder only
 * as the record says (never longer, whatever the link is made to claim).
 */
export function useMakeInvite(
  url: string,
): (podName: string, invitedBy: string, options?: InviteOptions) => Promise<string> {
  const services = useServices()
  return useCallback(
    async (podName, invitedBy, options = {}) => {
      const forMyDevice = options.forMyDevice === true
      const uses = forMyDevice ? 1 : (options.uses ?? 1)
      const entry = await services.device.getPod(url)
      if (entry?.secret == null)
        throw new Error('This pod has no key on this device, so it cannot be shared.')
      const view = services.pods.peek(url)
      const inviter =
        view === null ? null : memberForDevice(view, services.deviceKeys.publicKeyText)
      if (inviter === null)
        throw new Error(
          'This device is not listed under a member of this pod, so it cannot invite.',
        )
      const { now, newId } = services.context()
      const unsigned = {
        id: newId(),
        invitedBy: inviter.id,
        deviceKey: services.deviceKeys.publicKeyText,
        createdAt: now,
        expiresAt: now + INVITE_LIFETIME_MS,
        uses,
        forMember: forMyDevice ? inviter.id : null,
      }
      const statement = new TextEncoder().encode(inviteStatement(podKeyOf(url), unsigned))
      const signature = await sign(services.deviceKeys, statement)
      await changePod(services, url, (doc) =>
        recordInvite(doc, { ...unsigned, signature, withdrawnAt: null }),
      )
      const invite: Invite = {
        inviteId: unsigned.id,
        documentId: podKeyOf(url),
        secret: entry.secret,
        podName,
        invitedBy,
        expiresAt: unsigned.expiresAt,
        connection: entry.connection ?? (await services.defaultConnection()),
        forMember: forMyDevice ? inviter.name : null,
      }
      return encodeInvite(invite, services.appBase)
    },
    [services, url],
  )
}

/** Reads an invite link; resolves to the invite or rejects with a message for the person. */
export function useReadInvite(): (link: string) => Promise<Invite> {
  return useCallback((link) => decodeInvite(link, Date.now()), [])
}

/** Accepts an invite: records the pod on this device as "joining" and returns its URL. */
export function useAcceptInvite(): (
  invite: Invite,
  name: string,
  stage: 'newer' | 'practising' | 'experienced',
) => Promise<string> {
  const services = useServices()
  return useCallback(
    async (invite, name, stage) => {
      const url = `automerge:${invite.documentId}`
      const existing = await services.device.getPod(url)
      // A pod here already is joined only when it has no key yet (restored from a file
      // without a device link): the invite brings the key; what is here merges with the pod.
      if (existing !== null && existing.secret !== null) return url
      if ((await services.device.getProfile()) === null)
        await services.device.setProfile({ displayName: name, stage })
      await services.device.putPod({
        url,
        name: invite.podName,
        addedAt: existing?.addedAt ?? Date.now(),
        lastOpenedAt: Date.now(),
        memberId: null,
        secret: invite.secret,
        connection: invite.connection,
        pendingJoin: {
          inviteId: invite.inviteId,
          expiresAt: invite.expiresAt,
          invitedBy: invite.invitedBy,
          name,
          stage,
          ...(invite.forMember === null ? {} : { asDevice: true }),
        },
        lastSyncByKey: {},
        syncedHeads: null,
      })
      return url
    },
    [services],
  )
}

/**
 * Finishes joining once the pod has arrived: adds this person as a member with this device's
 * key (unless a member already lists the key), then clears the "joining" mark.
 */
export function useCompleteJoin(url: string, state: PodState): void {
  const services = useServices()
  const ready = state.status === 'ready' && !state.readOnly
  useEffect(() => {
    if (!ready) return
    let live = true
    void (async () => {
      const entry = await services.device.getPod(url)
      const join = entry?.pendingJoin ?? null
      if (!live || join === null) return
      const keys = services.deviceKeys
      const view = services.pods.peek(url)
      let memberId = view === null ? null : (memberForDevice(view, keys.publicKeyText)?.id ?? null)
      if (memberId === null && join.asDevice === true) {
        // A device link: this device joins as the member who made it, one more of their
        // devices, listed and signed by itself (the recorded link vouches for it).
        memberId = await changeMembers(services, url, (doc, ctx) => {
          const record = ownEntry(doc.invites, join.inviteId)
          const owner = record?.forMember ?? null
          if (owner === null) throw new Error('This device link is not recorded in the pod.')
          const device = { id: keys.deviceId, publicKey: keys.publicKeyText, label: deviceLabel() }
          addMemberDevice(doc, owner, device, ctx)
          const deviceKey = keys.publicKeyText
          recordInviteUse(doc, { inviteId: join.inviteId, memberId: owner, deviceKey }, ctx)
          return owner
        })
      }
      if (memberId === null) {
        memberId = await changeMembers(services, url, (doc, ctx) => {
          const id = addMember(
            doc,
            {
              name: join.name,
              stage: join.stage,
              device: { id: keys.deviceId, publicKey: keys.publicKeyText, label: deviceLabel() },
            },
            ctx,
          )
          // Every member's device counts the invite as used from now on.
          const deviceKey = keys.publicKeyText
          recordInviteUse(doc, { inviteId: join.inviteId, memberId: id, deviceKey }, ctx)
          return id
        })
      }
      await services.device.updatePod(url, { memberId, pendingJoin: null })
    })()
    return () => {
      live = false
    }
  }, [services, url, ready])
}
