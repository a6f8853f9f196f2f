import { useCallback } from 'react'
import { initPod, type NewPodInput } from '../domain/pods.ts'
import { useServices } from './services.ts'

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
      const ctx = services.context()
      const { url, result: memberId } = await pods.create((doc) =>
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
        ),
      )
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
