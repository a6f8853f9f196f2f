import { useCallback } from 'react'
import { initPod, type NewPodInput } from '../domain/pods.ts'
import { useServices } from './services.ts'
import type { PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from '../domain/commandContext.ts'
import { recordMemberChanges } from '../domain/memberSignatures.ts'
import { founderPodKey } from '../adapters/crypto/podKeyring.ts'
import { randomBytes, toBase64Url } from '../adapters/crypto/encoding.ts'
import { signCommand } from './signedMembers.ts'

/**
 * Creates a pod: the document (with this person as its founding member and this device's key),
 * this device's entry for it with a fresh 32-byte secret, and — once the first pod exists — a
 * request that the browser keep Tend's storage.
 */
export function useCreatePod(): (input: Omit<NewPodInput, 'device'>) => Promise<string> {
  const services = useServices()
  return useCallback(
    async (input) => {
      const { deviceKeys, device, pods } = services
      // The pod's key is derived from this device's key and a nonce, so the founder's signed
      // creation proves itself to every member (memberSignatures.ts).
      const nonce = toBase64Url(randomBytes(16))
      const podKey = founderPodKey(deviceKeys.publicKeyText, nonce)
      const create = (doc: PodDoc, ctx: CommandContext) =>
        initPod(
          doc,
          {
            ...input,
            device: {
              id: deviceKeys.deviceId,
              publicKey: deviceKeys.publicKeyText,
              label: deviceLabel(),
            },
          },
          ctx,
        )
      const ctx = services.context()
      const empty = { members: {} } as PodDoc
      const { signed, replay } = await signCommand(podKey, deviceKeys, empty, ctx, create, nonce)
      const { url, result: memberId } = await pods.create((doc) => {
        const id = create(doc, replay)
        recordMemberChanges(doc, signed)
        return id
      }, podKey)
      await device.putPod({
        url,
        name: input.name.trim(),
        addedAt: ctx.now,
        lastOpenedAt: ctx.now,
        memberId,
        secret: services.newSecret(),
        connection: await services.defaultConnection(),
        pendingJoin: null,
        lastSyncByKey: {},
        syncedHeads: null,
      })
      await services.persistence.request()
      return url
    },
    [services],
  )
}

/** A human label for this device ("Android phone", "Mac"), from the user agent. */
export function deviceLabel(): string {
  const ua = navigator.userAgent
  if (/Android/i.test(ua)) return 'Android phone'
  if (/iPhone|iPad/i.test(ua)) return 'iPhone or iPad'
  if (/Mac OS X/i.test(ua)) return 'Mac'
  if (/Windows/i.test(ua)) return 'Windows computer'
  if (/Linux/i.test(ua)) return 'Linux computer'
  return 'This device'
}
