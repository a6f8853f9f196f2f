import { useState } from 'react'
import QRCode from 'qrcode'
import { useMakeInvite } from '../../hooks/useMesh.ts'
import { messageOf } from '../common/labels.ts'

/** Invite someone: a link to send, and a QR code to scan across the table. */
export function InvitePanel(props: { url: string; podName: string; myName: string }) {
  const makeInvite = useMakeInvite(props.url)
  const [link, setLink] = useState<string | null>(null)
  const [qr, setQr] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const create = async () => {
    setError(null)
    try {
      const next = await makeInvite(props.podName, props.myName)
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
        The link carries the pod’s key. Send it only to the person you are inviting; it works for
        two weeks.
      </p>
      <button type="button" onClick={() => void create()}>
        {link === null ? 'Make an invite link' : 'Make a new link'}
      </button>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {link !== null && (
        <>
          <label htmlFor="invite-link">Invite link</label>
          <input id="invite-link" readOnly value={link} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void copy()}>
            Copy link
          </button>
          {copied && <span role="status"> Copied.</span>}
          {qr !== null && (
            <img className="qr" src={qr} alt={`QR code of the invite to ${props.podName}`} />
          )}
        </>
      )}
    </section>
  )
}
