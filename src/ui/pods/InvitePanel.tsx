import { useState } from 'react'
import QRCode from 'qrcode'
import type { PodDoc } from '../../schema/podDocument.ts'
import { LIMITS } from '../../schema/limits.ts'
import { openInvites, withdrawInvite } from '../../domain/invites.ts'
import { useMakeInvite } from '../../hooks/useMesh.ts'
import { useMyMemberId } from '../../hooks/useCircle.ts'
import { usePodCommand } from '../../hooks/usePod.ts'
import { useNow } from '../../hooks/useNow.ts'
import { formatDate, messageOf } from '../common/labels.ts'

/**
 * Invite someone: a link to send, and a QR code to scan across the table. A link admits one
 * person unless more are chosen (a first circle); every member's device counts its uses, and
 * any member can withdraw an open invite.
 */
export function InvitePanel(props: { url: string; view: PodDoc; myName: string }) {
  const podName = props.view.pod.name
  const makeInvite = useMakeInvite(props.url)
  const run = usePodCommand(props.url)
  const me = useMyMemberId(props.url, props.view)
  const now = useNow(60_000, props.view)
  const [uses, setUses] = useState('1')
  const [link, setLink] = useState<string | null>(null)
  const [qr, setQr] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const [forDevice, setForDevice] = useState(false)
  const linkDevice = async () => {
    setError(null)
    // A link made before is used or meant for someone else: never leave it on show meanwhile.
    setLink(null)
    setQr(null)
    try {
      const next = await makeInvite(podName, props.myName, { forMyDevice: true })
      setForDevice(true)
      setLink(next)
      setQr(await QRCode.toDataURL(next, { errorCorrectionLevel: 'M', margin: 2, width: 320 }))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const create = async () => {
    setError(null)
    // A link made before is used or meant for someone else: never leave it on show meanwhile.
    setLink(null)
    setQr(null)
    try {
      const count = Number(uses)
      if (!Number.isInteger(count) || count < 1 || count > LIMITS.usesPerInvite)
        return setError(`An invite admits from 1 to ${LIMITS.usesPerInvite} people.`)
      const next = await makeInvite(podName, props.myName, { uses: count })
      setForDevice(false)
      setLink(next)
      setQr(await QRCode.toDataURL(next, { errorCorrectionLevel: 'M', margin: 2, width: 320 }))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const copy = async () => {
    if (link === null) return
    await navigator.clipboard?.writeText(link).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }
  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <p className="muted">
        The link carries the pod’s key. Send it only to the people you are inviting; it works for
        two weeks, for as many people as you choose.
      </p>
      <label htmlFor="invite-uses">How many people may join with it</label>
      <input
        id="invite-uses"
        type="number"
        inputMode="numeric"
        min={1}
        max={LIMITS.usesPerInvite}
        value={uses}
        onChange={(e) => setUses(e.target.value)}
      />
      <button type="button" onClick={() => void create()}>
        {link === null ? 'Make an invite link' : 'Make a new link'}
      </button>
      <p>
        <button type="button" onClick={() => void linkDevice()}>
          Link another device of mine
        </button>{' '}
        <span className="muted">
          Your laptop beside your phone: it joins as you, not as a new member.
        </span>
      </p>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {link !== null && (
        <>
          {forDevice && (
            <p role="status">Open this link on your other device (or scan the code with it).</p>
          )}
          <label htmlFor="invite-link">{forDevice ? 'Device link' : 'Invite link'}</label>
          <input id="invite-link" readOnly value={link} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void copy()}>
            Copy link
          </button>
          {copied && <span role="status"> Copied.</span>}
          {qr !== null && (
            <img className="qr" src={qr} alt={`QR code of the invite to ${podName}`} />
          )}
        </>
      )}
      <OpenInvites
        invites={openInvites(props.view, now)}
        view={props.view}
        onWithdraw={(inviteId) =>
          void run((doc, ctx) => withdrawInvite(doc, { inviteId, memberId: me ?? '' }, ctx)).catch(
            (e: unknown) => setError(messageOf(e)),
          )
        }
      />
    </section>
  )
}

function OpenInvites(props: {
  invites: ReturnType<typeof openInvites>
  view: PodDoc
  onWithdraw: (inviteId: string) => void
}) {
  if (props.invites.length === 0) return null
  return (
    <>
      <h3>Open invites</h3>
      <ul className="plain" data-testid="open-invites">
        {props.invites.map(({ record, left }) => {
          const by = props.view.members[record.invitedBy]?.name ?? 'a former member'
          const kind = record.forMember === null ? 'invite' : 'device link'
          const what = `${kind} by ${by}, ${formatDate(record.createdAt)}`
          return (
            <li key={record.id}>
              {record.forMember === null
                ? `Made by ${by} on ${formatDate(record.createdAt)}: ${left} of ${record.uses} ${record.uses === 1 ? 'place' : 'places'} left, until ${formatDate(record.expiresAt)}. `
                : `A link for another device of ${by}, made on ${formatDate(record.createdAt)}, until ${formatDate(record.expiresAt)}. `}
              <button
                type="button"
                onClick={() => props.onWithdraw(record.id)}
                aria-label={`Withdraw the ${what}`}
              >
                Withdraw
              </button>
            </li>
          )
        })}
      </ul>
    </>
  )
}
