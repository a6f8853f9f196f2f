/**
 * The pod's keys on this device: checks the signatures the membership rules of
 * `domain/keyEpochs.ts` rest on, opens the newest secret sealed to this device, and signs what
 * this device writes — its sealing key, removal requests and confirmations, new key epochs and
 * grants. Assumes WebCrypto with Ed25519 and X25519 (Node 20, Chromium); everything it reads
 * from the pod document is untrusted and checked here before the rules count it.
 */
import type { KeyEpoch, KeyGrant, PodDoc, Removal } from '../../schema/podDocument.ts'
import {
  confirmationStatement,
  keyEpochStatement,
  keyGrantId,
  keyGrantStatement,
  removalStatement,
  removalsToCarry,
  sealingKeyStatement,
  signedStatements,
  type KeyState,
} from '../../domain/keyEpochs.ts'
import {
  founderClaims,
  founderTag,
  memberCertStatement,
  memberStatements,
  deviceStatement,
  verifyMembership,
  type MemberChange,
} from '../../domain/memberSignatures.ts'
import { interpretAsDocumentId } from '@automerge/automerge-repo'
import { hash as sha256 } from 'fast-sha256'
import { sign, verify, type DeviceKeys } from './deviceIdentity.ts'
import { fromBase64Url, randomBytes, toBase64Url } from './encoding.ts'
import { decodeSecret, secretCheckOf } from './roomKeys.ts'
import { open, seal, type SealingKeys } from './sealing.ts'

/** What this device signs and opens with. */
export interface DeviceKeyring {
  keys: DeviceKeys
  sealing: SealingKeys
}

const encoder = new TextEncoder()
/** Signatures already checked (statement and signature → valid), so each is checked once. */
const checked = new Map<string, boolean>()
const CHECKED_LIMIT = 20_000

async function checkOnce(signer: string, statement: string, signature: string): Promise<boolean> {
  const key = `${signer}\n${signature}\n${statement}`
  const known = checked.get(key)
  if (known !== undefined) return known
  const ok = await verify(signer, encoder.encode(statement), signature)
  if (checked.size >= CHECKED_LIMIT) checked.clear()
  checked.set(key, ok)
  return ok
}

const verified = new WeakMap<PodDoc, Promise<{ view: PodDoc; keyState: KeyState }>>()

/**
 * The pod key a founder's device makes a new pod under: derived from its device key and a
 * nonce, so the founder's signed creation proves itself (no one else can make a pod key that
 * names their device) and every other member's entry rests on it.
 */
export function founderPodKey(deviceKey: string, nonce: string): string {
  const digest = sha256(encoder.encode(`tend-pod:${deviceKey}:${nonce}`))
  return interpretAsDocumentId(digest.slice(0, 16) as never) as string
}

/**
 * The pod as its signatures allow (`verifyMembership`): member entries, devices, removals and
 * keys whose signatures hold, made by devices that were active members' then; what was ignored
 * is in `keyState.ignored`. Cached per view; reading its result again gives the same result.
 */
export function verifiedPodOf<V extends PodDoc>(
  view: V,
  podKey: string,
): Promise<{ view: V; keyState: KeyState }> {
  let result = verified.get(view) as Promise<{ view: V; keyState: KeyState }> | undefined
  if (result === undefined) {
    result = (async () => {
      const statements = [...signedStatements(view, podKey), ...memberStatements(view, podKey)]
      const results = await Promise.all(
        statements.map((s) => checkOnce(s.signer, s.statement, s.signature)),
      )
      const valid = new Set(statements.filter((_, i) => results[i]).map((s) => s.tag))
      for (const claim of founderClaims(view))
        if (founderPodKey(claim.deviceKey, claim.nonce) === podKey)
          valid.add(founderTag(claim.deviceKey, claim.nonce))
      return verifyMembership(view, valid)
    })()
    verified.set(view, result)
  }
  return result
}

/** The pod's membership and keys, with every signature checked. Cached per view. */
export async function keyStateOf(view: PodDoc, podKey: string): Promise<KeyState> {
  return (await verifiedPodOf(view, podKey)).keyState
}

/** Signs what this device changed in the member list (see `memberChanges`). */
export async function signMemberChanges(
  podKey: string,
  keys: DeviceKeys,
  changes: readonly MemberChange[],
): Promise<{ change: MemberChange; signature: string }[]> {
  return Promise.all(
    changes.map(async (change) => ({
      change,
      signature: await sign(
        keys,
        encoder.encode(
          change.kind === 'cert'
            ? memberCertStatement(podKey, change.cert)
            : deviceStatement(podKey, change.memberId, change.device),
        ),
      ),
    })),
  )
}

/** This device's signed sealing key, when the pod does not list it yet (or lists another). */
export async function sealingKeyToPublish(
  view: PodDoc,
  podKey: string,
  ring: DeviceKeyring,
): Promise<{ deviceKey: string; sealingKey: string; signature: string } | null> {
  const state = await keyStateOf(view, podKey)
  const mine = state.activeDevices.find((d) => d.deviceKey === ring.keys.publicKeyText)
  if (mine === undefined || mine.sealingKey === ring.sealing.publicKeyText) return null
  const statement = sealingKeyStatement(podKey, ring.keys.publicKeyText, ring.sealing.publicKeyText)
  return {
    deviceKey: ring.keys.publicKeyText,
    sealingKey: ring.sealing.publicKeyText,
    signature: await sign(ring.keys, encoder.encode(statement)),
  }
}

/** Which epoch a secret is: the number of the valid entry whose check it matches, else 0. */
export async function epochOfSecret(
  view: PodDoc,
  podKey: string,
  secret: string,
): Promise<{ epoch: number; current: boolean }> {
  const state = await keyStateOf(view, podKey)
  const check = await secretCheckOf(secret)
  if (state.current.entry === null) return { epoch: 0, current: true }
  if (state.current.entry.secretCheck === check)
    return { epoch: state.current.epoch, current: true }
  const known = Object.values(view.keyEpochs).find((e) => e.secretCheck === check)
  return { epoch: known?.epoch ?? 0, current: false }
}

/**
 * The current secret, when it is sealed to this device (in its epoch's boxes or a grant) and
 * the box opens and matches the epoch's check; null otherwise (a tampered box is null too).
 */
export async function openCurrentSecret(
  view: PodDoc,
  podKey: string,
  ring: DeviceKeyring,
): Promise<{ secret: string; epoch: number } | null> {
  const state = await keyStateOf(view, podKey)
  const entry = state.current.entry
  if (entry === null) return null
  const me = ring.keys.publicKeyText
  const boxes: string[] = []
  if (Object.hasOwn(entry.boxes, me)) boxes.push(entry.boxes[me] as string)
  for (const g of Object.values(view.keyGrants))
    if (g.epochId === entry.id && g.to === me && state.holders?.has(me) === true) boxes.push(g.box)
  for (const box of boxes) {
    const bytes = await open(box, ring.sealing, { podKey, epoch: entry.epoch })
    if (bytes === null || bytes.length !== 32) continue
    const secret = toBase64Url(bytes)
    if ((await secretCheckOf(secret)) === entry.secretCheck) return { secret, epoch: entry.epoch }
  }
  return null
}

/** A new random pod secret, base64url. */
export function newPodSecret(): string {
  return toBase64Url(randomBytes(32))
}

/**
 * A new key epoch after `state.current`: a fresh secret sealed to every active device with a
 * verified sealing key (this one included), signed by this device.
 */
export async function makeKeyEpoch(
  state: KeyState,
  podKey: string,
  ring: DeviceKeyring,
  input: { now: number; id: string },
): Promise<{ entry: KeyEpoch; secret: string }> {
  const secret = newPodSecret()
  const bytes = decodeSecret(secret)
  const epoch = state.current.epoch + 1
  const boxes: Record<string, string> = {}
  for (const d of state.activeDevices) {
    if (d.sealingKey === null) continue
    boxes[d.deviceKey] = await seal(bytes, d.sealingKey, { podKey, epoch })
  }
  const unsigned = {
    id: input.id,
    epoch,
    removals: removalsToCarry(state),
    boxes,
    secretCheck: await secretCheckOf(secret),
    madeBy: ring.keys.publicKeyText,
    madeAt: input.now,
  }
  const signature = await sign(ring.keys, encoder.encode(keyEpochStatement(podKey, unsigned)))
  return { entry: { ...unsigned, signature }, secret }
}

/** Grants of the current secret (which this device holds) to the devices its epoch missed. */
export async function makeGrants(
  state: KeyState,
  podKey: string,
  ring: DeviceKeyring,
  input: { now: number; secret: string },
): Promise<KeyGrant[]> {
  const entry = state.current.entry
  if (entry === null) return []
  const bytes = decodeSecret(input.secret)
  const grants: KeyGrant[] = []
  for (const d of state.missingGrants) {
    if (d.sealingKey === null) continue
    const unsigned = {
      id: keyGrantId(entry.id, d.deviceKey),
      epochId: entry.id,
      epoch: entry.epoch,
      to: d.deviceKey,
      box: await seal(bytes, d.sealingKey, { podKey, epoch: entry.epoch }),
      madeBy: ring.keys.publicKeyText,
      madeAt: input.now,
    }
    const signature = await sign(ring.keys, encoder.encode(keyGrantStatement(podKey, unsigned)))
    grants.push({ ...unsigned, signature })
  }
  return grants
}

/** A removal request signed by this device. */
export async function signRemoval(
  podKey: string,
  ring: DeviceKeyring,
  input: { id: string; memberId: string; deviceKey: string | null; now: number; epochSeen: number },
): Promise<Removal> {
  const unsigned = {
    id: input.id,
    memberId: input.memberId,
    deviceKey: input.deviceKey,
    requestedBy: ring.keys.publicKeyText,
    requestedAt: input.now,
    epochSeen: input.epochSeen,
  }
  const signature = await sign(ring.keys, encoder.encode(removalStatement(podKey, unsigned)))
  return { ...unsigned, signature, confirmations: {} }
}

/** A confirmation of `removalId` signed by this device. */
export async function signConfirmation(
  podKey: string,
  ring: DeviceKeyring,
  input: { removalId: string; now: number; epochSeen: number },
): Promise<Removal['confirmations'][string]> {
  const unsigned = { by: ring.keys.publicKeyText, at: input.now, epochSeen: input.epochSeen }
  const statement = confirmationStatement(podKey, input.removalId, unsigned)
  return { ...unsigned, signature: await sign(ring.keys, encoder.encode(statement)) }
}

/** Whether a text is a 32-byte pod secret. */
export function isPodSecret(text: string): boolean {
  try {
    return fromBase64Url(text).length === 32
  } catch {
    return false
  }
}
