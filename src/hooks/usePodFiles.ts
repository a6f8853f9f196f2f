import { useCallback, useEffect, useState } from 'react'
import { memberForDevice } from '../domain/podQueries.ts'
import { podKeyOf } from '../adapters/automerge/podStore.ts'
import {
  archiveFileName,
  decodeArchive,
  encodeArchive,
  isArchive,
  isSealed,
} from '../adapters/files/podArchive.ts'
import { decodeInvite } from '../adapters/network/invite.ts'
import { useServices, type TendServices } from './services.ts'

export interface SavedPodFile {
  bytes: Uint8Array
  fileName: string
  /** Meetings whose notes were started but are not on this device yet (so not in the file). */
  notesLeftOut: number
}

export interface OpenedPodFile {
  url: string
  /** True when the file brought the pod to this device; false when it merged into its copy. */
  restored: boolean
  /** Notes documents in the file that were not this pod's meetings' notes (left out). */
  notesRefused: number
}

/**
 * Saving a pod to a file and opening one. "Save the whole pod" writes the pod document and
 * every meeting's notes (see podArchive.ts), sealed with a passphrase when one is given; a
 * sealed file may also carry a device link, so a new device of the saver's rejoins the pod.
 * Opening a whole-pod file merges it into this device's copy of the same pod, or restores the
 * pod here under its own address. A bare pod file from an older Tend still opens as a copy.
 */
export function usePodFiles(): {
  exportPod: (
    url: string,
    options: { passphrase: string | null; deviceLink: string | null },
  ) => Promise<SavedPodFile | null>
  needsPassphrase: (bytes: Uint8Array) => boolean
  importPod: (bytes: Uint8Array, passphrase: string | null) => Promise<OpenedPodFile>
} {
  const services = useServices()
  const exportPod = useCallback(
    async (url: string, options: { passphrase: string | null; deviceLink: string | null }) => {
      await services.pods.keepOpen(url)
      const view = services.pods.peek(url)
      const pod = await services.pods.exportBytes(url)
      if (view === null || pod === null) return null
      const notes: { meetingId: string; bytes: Uint8Array }[] = []
      let notesLeftOut = 0
      for (const meeting of Object.values(view.meetings)) {
        if (meeting.notesUrl === null) continue
        const bytes = await services.notes.exportNotes(url, meeting.id)
        if (bytes === null) notesLeftOut++
        else notes.push({ meetingId: meeting.id, bytes })
      }
      const bytes = await encodeArchive(
        {
          podUrl: url,
          podName: view.pod.name,
          savedAt: Date.now(),
          pod,
          notes,
          deviceLink: options.deviceLink,
        },
        options.passphrase,
      )
      return { bytes, fileName: archiveFileName(view.pod.name), notesLeftOut }
    },
    [services],
  )

  const importPod = useCallback(
    async (bytes: Uint8Array, passphrase: string | null): Promise<OpenedPodFile> => {
      if (!isArchive(bytes))
        return { url: await importCopy(services, bytes), restored: true, notesRefused: 0 }
      const file = await decodeArchive(bytes, passphrase)
      const url = file.podUrl
      const existing = await services.device.getPod(url)
      const { view, restored } = await services.pods.mergeBytes(url, file.pod)
      let notesRefused = 0
      for (const n of file.notes) {
        const ours = view.meetings[n.meetingId] !== undefined
        const merged =
          ours &&
          (await services.notes.mergeNotes(url, {
            meetingId: n.meetingId,
            podId: view.pod.id,
            bytes: n.bytes,
          }))
        if (!merged) notesRefused++
      }
      if (existing === null) {
        // A device link still valid lets this device rejoin as the member who saved the file;
        // without one the pod is here with everything in it, and an invite or a device link
        // from a member connects it again.
        const now = Date.now()
        const link =
          file.deviceLink === null
            ? null
            : await decodeInvite(file.deviceLink, now).catch(() => null)
        const linked = link !== null && link.documentId === podKeyOf(url) ? link : null
        const me = memberForDevice(view, services.deviceKeys.publicKeyText)?.id ?? null
        await services.device.putPod({
          url,
          name: view.pod.name,
          addedAt: now,
          lastOpenedAt: now,
          memberId: me,
          secret: linked?.secret ?? null,
          connection: linked?.connection ?? (await services.defaultConnection()),
          pendingJoin:
            linked === null || me !== null
              ? null
              : {
                  inviteId: linked.inviteId,
                  expiresAt: linked.expiresAt,
                  invitedBy: linked.invitedBy,
                  name: linked.forMember ?? '',
                  stage: 'practising',
                  asDevice: true,
                },
          rejoin:
            linked === null ? null : { inviteId: linked.inviteId, expiresAt: linked.expiresAt },
          lastSyncByKey: {},
          syncedHeads: null,
        })
        if (linked?.forMember != null && (await services.device.getProfile()) === null)
          await services.device.setProfile({ displayName: linked.forMember, stage: 'practising' })
      }
      return { url, restored: restored && existing === null, notesRefused }
    },
    [services],
  )

  return { exportPod, needsPassphrase: isSealed, importPod }
}

/** An older bare pod file: a copy of its own on this device, with a new key. */
async function importCopy(services: TendServices, bytes: Uint8Array): Promise<string> {
  const { url, view } = await services.pods.importBytes(bytes)
  const now = Date.now()
  await services.device.putPod({
    url,
    name: view.pod.name,
    addedAt: now,
    lastOpenedAt: now,
    memberId: memberForDevice(view, services.deviceKeys.publicKeyText)?.id ?? null,
    secret: services.newSecret(),
    connection: await services.defaultConnection(),
    pendingJoin: null,
    lastSyncByKey: {},
    syncedHeads: null,
  })
  return url
}

/**
 * Removes a pod from this device: first its entry (so the mesh stops syncing it at once), then
 * the pod and its notes from storage. The other members keep theirs.
 */
export function useRemovePod(): (url: string) => Promise<void> {
  const { device, pods } = useServices()
  return useCallback(
    async (url: string) => {
      await device.removePod(url)
      await pods.removeFromDevice(url)
    },
    [device, pods],
  )
}

/** What each pod on this device takes in storage (computed when asked: it reads every document). */
export function usePodStorage(
  urls: readonly string[],
): Map<string, { pod: number; notes: number; notesDocuments: number } | null> | null {
  const { pods } = useServices()
  const [sizes, setSizes] = useState<Map<
    string,
    { pod: number; notes: number; notesDocuments: number } | null
  > | null>(null)
  const key = urls.join(' ')
  useEffect(() => {
    let live = true
    void (async () => {
      const found = new Map<string, { pod: number; notes: number; notesDocuments: number } | null>()
      for (const url of key === '' ? [] : key.split(' '))
        found.set(url, await pods.storedBytes(url))
      if (live) setSizes(found)
    })()
    return () => {
      live = false
    }
  }, [pods, key])
  return sizes
}
