import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { generateSealingKeys, open, seal } from '../../../src/adapters/crypto/sealing.ts'
import { fromBase64Url, randomBytes, toBase64Url } from '../../../src/adapters/crypto/encoding.ts'
import { openDeviceStore } from '../../../src/adapters/device/deviceStore.ts'

const context = { podKey: 'pod-a', epoch: 3 }

describe('sealed pod secrets', () => {
  it('opens with the recipient device, to the same 32 bytes', async () => {
    const bo = await generateSealingKeys()
    const secret = randomBytes(32)
    const box = await seal(secret, bo.publicKeyText, context)
    expect(await open(box, bo, context)).toEqual(secret)
    // A fresh ephemeral key each time: the same secret never seals to the same box twice.
    expect(await seal(secret, bo.publicKeyText, context)).not.toBe(box)
  })

  it('does not open for another device', async () => {
    const bo = await generateSealingKeys()
    const eve = await generateSealingKeys()
    const box = await seal(randomBytes(32), bo.publicKeyText, context)
    expect(await open(box, eve, context)).toBeNull()
  })

  it('does not open under another epoch or another pod', async () => {
    const bo = await generateSealingKeys()
    const box = await seal(randomBytes(32), bo.publicKeyText, context)
    expect(await open(box, bo, { ...context, epoch: 4 })).toBeNull()
    expect(await open(box, bo, { ...context, podKey: 'pod-b' })).toBeNull()
  })

  it('does not open a box with any byte changed, cut short, or not a box at all', async () => {
    const bo = await generateSealingKeys()
    const box = await seal(randomBytes(32), bo.publicKeyText, context)
    const bytes = fromBase64Url(box)
    for (const at of [0, 1, 20, 33, 40, 50, bytes.length - 1]) {
      const tampered = bytes.slice()
      tampered[at] = (tampered[at] ?? 0) ^ 1
      expect(await open(toBase64Url(tampered), bo, context)).toBeNull()
    }
    expect(await open(toBase64Url(bytes.slice(0, 40)), bo, context)).toBeNull()
    for (const junk of ['', 'not base64!', '%%%', 'AAAA', box + 'x'])
      expect(await open(junk, bo, context)).toBeNull()
  })

  it('refuses to seal to something that is not an X25519 key', async () => {
    await expect(seal(randomBytes(32), toBase64Url(randomBytes(31)), context)).rejects.toThrow()
  })

  it('keeps the device sealing keys in the device store, private key not extractable', async () => {
    const name = 'tend-device-sealing-test'
    const first = await openDeviceStore(name)
    const keys = await first.sealingKeys()
    expect(keys.privateKey.extractable).toBe(false)
    first.close()
    const again = await openDeviceStore(name)
    const same = await again.sealingKeys()
    expect(same.publicKeyText).toBe(keys.publicKeyText)
    expect(same.publicKeyText).not.toBe((await again.keys()).publicKeyText)
    const box = await seal(randomBytes(32), keys.publicKeyText, context)
    expect(await open(box, same, context)).not.toBeNull()
    again.close()
  })
})
