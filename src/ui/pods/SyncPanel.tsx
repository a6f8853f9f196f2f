import { useState } from 'react'
import type { ConnectionSettings } from '../../adapters/device/deviceStore.ts'
import type { PodDoc } from '../../schema/podDocument.ts'
import type { PathKind } from '../../adapters/network/meshRoom.ts'
import { useMeshLeader, usePodReach, useTryAgain } from '../../hooks/useMesh.ts'
import { usePodEntry } from '../../hooks/useDeviceData.ts'
import { useServices } from '../../hooks/services.ts'
import { formatDateTime } from '../common/labels.ts'
import {
  MAX_ICE_SERVERS,
  MAX_SIGNALING_URLS,
  iceUrlProblem,
  relayHostOf,
  signalingUrlProblem,
} from '../../adapters/network/connectionSettings.ts'

const PATH_TEXT: Record<PathKind, string> = {
  'same-network': 'on the same network',
  direct: 'directly across the internet',
  relay: 'through your community’s relay',
  unknown: 'connected',
}

/**
 * Honest about the network: who this device is connected with right now, whether its changes
 * have reached anyone, and — one tap deeper — the connection details.
 */
export function SyncPanel(props: { url: string; view: PodDoc }) {
  const { status, peers, names } = usePodReach(props.url, props.view)
  const leader = useMeshLeader()
  const entry = usePodEntry(props.url)
  const { deviceKeys } = useServices()
  const tryAgain = useTryAgain()
  const [triedAt, setTriedAt] = useState<number | null>(null)
  const alone = names.length === 0
  // Only a pod set up to reach across the internet can blame its host's relay.
  const hasRelaySettings =
    entry?.connection != null &&
    (entry.connection.iceEndpoint !== null || entry.connection.iceServers.length > 0)
  // Only members who use Tend on a device of their own can receive changes.
  const othersHaveDevices = Object.values(props.view.members).some((m) =>
    Object.values(m.devices).some((d) => d.publicKey !== deviceKeys.publicKeyText),
  )
  const unreachable = status?.signaling === 'unreachable' || status?.signaling === 'none'
  if (entry?.removed != null)
    return (
      <section aria-labelledby="sync-heading" className="sync-panel" data-testid="sync-panel">
        <h2 id="sync-heading" className="visually-hidden">
          Sync
        </h2>
        <p data-testid="connected-with">
          Removed from this pod: this device no longer syncs with its members.
        </p>
      </section>
    )
  return (
    <section aria-labelledby="sync-heading" className="sync-panel" data-testid="sync-panel">
      <h2 id="sync-heading" className="visually-hidden">
        Sync
      </h2>
      {alone && status !== null && (unreachable || status.unreachable) && (
        <p className="banner" role="status" data-testid="offline-banner">
          No member can be reached right now. Your changes are safe on this device; you’ll sync when
          a member is reachable.
          {status.unreachable &&
            (hasRelaySettings
              ? ' If this keeps happening, your community’s host may need a relay.'
              : ' A member’s device was found but not reached yet; Tend keeps trying by itself. With this pod’s settings, devices connect when they are on the same network.')}
        </p>
      )}
      <p data-testid="connected-with">
        {status === null
          ? 'Looking for your pod’s members…'
          : alone
            ? 'Only on this device right now.'
            : `Connected with ${names.join(', ')}.`}
      </p>
      {alone && status !== null && othersHaveDevices && (
        <p>
          <button
            type="button"
            onClick={() => {
              tryAgain()
              setTriedAt(Date.now())
            }}
          >
            Try again now
          </button>{' '}
          {triedAt !== null && (
            <span className="muted" role="status">
              Looking for your pod’s members again…
            </span>
          )}
        </p>
      )}
      {status?.waiting === true && othersHaveDevices && (
        <div data-testid="waiting">
          <p className="muted">
            Some changes on this device haven’t reached every member yet. They are kept here until
            they do.
          </p>
          <ul className="plain" data-testid="waiting-for">
            {waitingLines(props.view, status.waitingFor, deviceKeys.publicKeyText).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <details>
        <summary>Connection details</summary>
        <p className="muted" data-testid="mesh-tab">
          {leader === null
            ? 'Starting the connection…'
            : leader
              ? 'This tab holds this device’s connection to the pod.'
              : 'Another Tend tab on this device holds the connection; this tab syncs through it.'}
        </p>
        <ul className="plain">
          {peers.map((p) => (
            <li key={p.publicKey} data-testid="peer-path">
              {p.member?.name ?? 'A device that is joining'}: {PATH_TEXT[p.path]}
            </li>
          ))}
        </ul>
        <h3>Last synced</h3>
        <ul className="plain" data-testid="last-synced">
          {Object.values(props.view.members)
            .filter((m) =>
              Object.values(m.devices).some((d) => d.publicKey !== deviceKeys.publicKeyText),
            )
            .map((m) => {
              const times = Object.values(m.devices).map(
                (d) => entry?.lastSyncByKey[d.publicKey] ?? 0,
              )
              const last = Math.max(0, ...times)
              return (
                <li key={m.id}>
                  {m.name}: {last === 0 ? 'not yet' : formatDateTime(last)}
                </li>
              )
            })}
        </ul>
        {entry?.connection != null && (
          <ConnectionSettingsForm url={props.url} connection={entry.connection} />
        )}
      </details>
    </section>
  )
}

/**
 * One line per other member still missing changes from this device: how many (the fewest
 * missing on any of their devices), or that their devices have not synced with this one yet.
 */
export function waitingLines(
  view: PodDoc,
  waitingFor: Readonly<Record<string, number>>,
  myKey: string,
): string[] {
  const lines: string[] = []
  for (const member of Object.values(view.members)) {
    const keys = Object.values(member.devices)
      .map((d) => d.publicKey)
      .filter((k) => k !== myKey)
    if (keys.length === 0 || member.status === 'left') continue
    const known = keys.flatMap((k) => (Object.hasOwn(waitingFor, k) ? [waitingFor[k] ?? 0] : []))
    if (known.length === 0) {
      lines.push(`${member.name}: not synced with this device yet`)
      continue
    }
    const missing = Math.min(...known)
    if (missing > 0)
      lines.push(`${missing} ${missing === 1 ? 'change' : 'changes'} waiting for ${member.name}`)
  }
  return lines.sort()
}

/** The pod's signaling services, one per line; changed here, passed on in new invites. */
function ConnectionSettingsForm(props: { url: string; connection: ConnectionSettings }) {
  const { device } = useServices()
  const [text, setText] = useState(props.connection.signalingUrls.join('\n'))
  const [passphrase, setPassphrase] = useState(props.connection.passphrase ?? '')
  const [ice, setIce] = useState(
    props.connection.iceServers
      .flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]))
      .join('\n'),
  )
  const relay = props.connection.iceEndpoint
  const [message, setMessage] = useState<string | null>(null)
  const save = async () => {
    const urls = text
      .split(/\s+/)
      .map((u) => u.trim())
      .filter((u) => u !== '')
    const bad = urls.filter((u) => signalingUrlProblem(u) !== null)
    if (urls.length === 0 || bad.length > 0 || urls.length > MAX_SIGNALING_URLS) {
      setMessage(
        urls.length > MAX_SIGNALING_URLS
          ? `At most ${MAX_SIGNALING_URLS} signaling services.`
          : `Each line must be a ws:// or wss:// address${bad.length > 0 ? ` (not “${bad[0]}”)` : ''}.`,
      )
      return
    }
    const iceUrls = ice
      .split(/\s+/)
      .map((u) => u.trim())
      .filter((u) => u !== '')
    const badIce = iceUrls.filter((u) => iceUrlProblem(u) !== null)
    if (badIce.length > 0) {
      setMessage(`Each relay line must be a stun: or turn: address (not “${badIce[0]}”).`)
      return
    }
    // A TURN relay needs credentials, which only the community host hands out.
    const turn = iceUrls.find((u) => u.startsWith('turn'))
    if (turn !== undefined) {
      setMessage(
        `A TURN relay (“${turn}”) needs credentials, which Tend fetches from your community’s host; list only stun: addresses here.`,
      )
      return
    }
    if (iceUrls.length > MAX_ICE_SERVERS) {
      setMessage(`At most ${MAX_ICE_SERVERS} STUN servers.`)
      return
    }
    const entry = await device.getPod(props.url)
    if (entry?.connection == null) return
    await device.updatePod(props.url, {
      connection: {
        ...entry.connection,
        signalingUrls: urls,
        iceServers: iceUrls.map((u) => ({ urls: u })),
        passphrase: passphrase === '' ? null : passphrase,
      },
    })
    setMessage('Saved. Reload Tend to reconnect through the new service.')
  }
  return (
    <div>
      <p data-testid="relay-setting">
        {relay === null
          ? 'No relay: members sync when their devices can reach each other directly (for example on the same network).'
          : `Relay: your community’s host hands out short-lived relay passes (${relayHostOf(relay)}).`}
      </p>
      {relay !== null && (
        <>
          <label htmlFor="community-passphrase">
            Community passphrase (only if your host asks for one)
          </label>
          <input
            id="community-passphrase"
            type="password"
            autoComplete="off"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
        </>
      )}
      <label htmlFor="ice-urls">STUN/TURN servers (one per line; empty: same network only)</label>
      <textarea id="ice-urls" rows={2} value={ice} onChange={(e) => setIce(e.target.value)} />
      <label htmlFor="signaling-urls">Signaling services (one per line)</label>
      <textarea
        id="signaling-urls"
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="button" onClick={() => void save()}>
        Save connection settings
      </button>
      {message !== null && <p role="status">{message}</p>}
    </div>
  )
}
