import { useState } from 'react'
import type { Member, PodDoc } from '../../schema/podDocument.ts'
import type { KeyState } from '../../domain/keyEpochs.ts'
import { useMembership } from '../../hooks/useMembership.ts'
import { usePodEntry } from '../../hooks/useDeviceData.ts'
import { useServices } from '../../hooks/services.ts'
import { formatDate, formatDateTime, messageOf } from '../common/labels.ts'

/** A short, stable name for a device key, for telling two devices apart on screen. */
function shortKey(publicKey: string): string {
  return publicKey.slice(0, 6)
}

/**
 * A member's devices (name, short id, last synced with this device), with "Remove this device"
 * and, for other members, "Remove member"; a removal waiting for a second member shows who asked
 * and, on any other member's screen, a Confirm button.
 */
export function MemberDevices(props: {
  url: string
  view: PodDoc
  member: Member
  keyState: KeyState | null
  myMemberId: string | null
  readOnly: boolean
}) {
  const { member, keyState, view } = props
  const { deviceKeys } = useServices()
  const entry = usePodEntry(props.url)
  const membership = useMembership(props.url)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const mine = props.myMemberId === member.id
  const memberRemoved = keyState?.removedMembers.has(member.id) === true
  const canAct = !props.readOnly && props.myMemberId !== null && keyState !== null

  const run = async (what: () => Promise<string | null>) => {
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      setNotice(await what())
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  const nameOfDevice = (key: string) => {
    for (const m of Object.values(view.members))
      for (const d of Object.values(m.devices)) if (d.publicKey === key) return m.name
    return 'someone'
  }
  const pending = (keyState?.pending ?? []).filter((r) => r.memberId === member.id)
  const myPendingRequest = (r: (typeof pending)[number]) =>
    Object.values(view.members).find((m) =>
      Object.values(m.devices).some((d) => d.publicKey === r.requestedBy),
    )?.id === props.myMemberId

  return (
    <div className="member-devices">
      <ul aria-label={`${member.name}'s devices`}>
        {Object.values(member.devices).map((device) => {
          const removed = keyState?.removedDevices.has(device.publicKey) === true
          const thisOne = device.publicKey === deviceKeys.publicKeyText
          const synced = entry?.lastSyncByKey[device.publicKey]
          // A device that has not shared its sealing key yet cannot be sent a new pod key.
          const sealable =
            keyState?.activeDevices.find((d) => d.deviceKey === device.publicKey)?.sealingKey !=
            null
          return (
            <li key={device.id} data-testid="member-device">
              <span>
                {device.label} <span className="muted">({shortKey(device.publicKey)})</span>
                {thisOne && <span className="muted"> · this device</span>}
                {removed && <strong> · removed</strong>}
                {!removed && !thisOne && synced !== undefined && (
                  <span className="muted"> · last synced {formatDateTime(synced)}</span>
                )}
                {!removed && <span className="muted"> · added {formatDate(device.addedAt)}</span>}
                {!removed && !memberRemoved && keyState !== null && !sealable && (
                  <span className="muted"> · not yet ready for a new key</span>
                )}
              </span>
              {canAct && !removed && !memberRemoved && (
                <button
                  type="button"
                  disabled={busy}
                  aria-label={`Remove this device: ${member.name}'s ${device.label} (${shortKey(device.publicKey)})`}
                  onClick={() =>
                    void run(async () =>
                      (await membership.removeDevice(member.id, device.publicKey)) === 'at-once'
                        ? 'Removed. The pod moves to a new key; that device can no longer reach it.'
                        : 'Asked. The device is removed once a second member confirms.',
                    )
                  }
                >
                  Remove this device
                </button>
              )}
            </li>
          )
        })}
      </ul>
      {memberRemoved && (
        <p className="muted">Removed from the pod: none of their devices can reach it now.</p>
      )}
      {canAct && !mine && !memberRemoved && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              await membership.removeMember(member.id)
              return `Asked to remove ${member.name}. A second member has to confirm.`
            })
          }
        >
          Remove member
        </button>
      )}
      {pending.map((r) => (
        <p key={r.id} className="banner" role="status" data-testid="pending-removal">
          {nameOfDevice(r.requestedBy)} asked to remove{' '}
          {r.deviceKey === null ? member.name : `${member.name}'s device ${shortKey(r.deviceKey)}`}{' '}
          — waiting for a second member to confirm.{' '}
          {canAct && !myPendingRequest(r) && !mine && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await membership.confirmRemoval(r.id)
                  return 'Confirmed. The pod moves to a new key.'
                })
              }
            >
              Confirm removal
            </button>
          )}
        </p>
      ))}
      {notice !== null && <p role="status">{notice}</p>}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  )
}

/**
 * What this device shows when it was removed from the pod: plainly that it was, and that its
 * own copy stays readable here (it can no longer reach the members).
 */
export function RemovedNotice(props: { url: string }) {
  const entry = usePodEntry(props.url)
  const removed = entry?.removed ?? null
  if (removed === null) return null
  return (
    <p className="banner" role="alert" data-testid="removed-notice">
      {removed.wholeMember
        ? removed.byName === null
          ? 'You left this pod'
          : 'You were removed from this pod'
        : 'This device was removed from this pod'}
      {removed.byName !== null ? ` by ${removed.byName}` : ''} on {formatDate(removed.at)}. It can
      no longer reach the pod’s members or receive their changes. Your copy of what was here stays
      readable on this device.
    </p>
  )
}

/** Signed membership entries that did not verify, shown as such (never acted on). */
export function IgnoredMembership(props: { keyState: KeyState | null }) {
  const ignored = props.keyState?.ignored ?? []
  if (ignored.length === 0) return null
  return (
    <details className="repairs" data-testid="ignored-membership">
      <summary>
        Membership changes ignored because they could not be verified ({ignored.length})
      </summary>
      <ul>
        {ignored.slice(0, 20).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </details>
  )
}
