import { useState, type ChangeEvent, type FormEvent } from 'react'
import { usePodFiles, useRemovePod } from '../../hooks/usePodFiles.ts'
import { useMakeInvite } from '../../hooks/useMesh.ts'
import { useProfile } from '../../hooks/useDeviceData.ts'
import { messageOf } from '../common/labels.ts'
import { ErrorText } from '../circle/attempt.tsx'

/** Lets the browser save `bytes` as a file the person keeps. */
function download(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(
    new Blob([bytes as BlobPart], { type: 'application/octet-stream' }),
  )
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * "Save the whole pod": the pod and every meeting's notes in one file. With a passphrase the
 * file is sealed, and it also carries a device link so a new device of this member's can rejoin
 * the pod from it (for as long as links last).
 */
export function SavePodCopy(props: { url: string; podName: string; canLink: boolean }) {
  const { exportPod } = usePodFiles()
  const makeInvite = useMakeInvite(props.url)
  const profile = useProfile()
  const [passphrase, setPassphrase] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const save = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setMessage(null)
    setError(null)
    try {
      const sealed = passphrase !== ''
      // A device that is not a member's (or has no key for the pod) saves without a link.
      const deviceLink =
        sealed && props.canLink
          ? await makeInvite(props.podName, profile?.displayName ?? 'A member', {
              forMyDevice: true,
            }).catch(() => null)
          : null
      const file = await exportPod(props.url, {
        passphrase: sealed ? passphrase : null,
        deviceLink,
      })
      if (file === null) return setError('This pod is not fully on this device yet.')
      download(file.bytes, file.fileName)
      setPassphrase('')
      setMessage(
        `Saved ${file.fileName}${sealed ? ', sealed with your passphrase' : ''}.` +
          (sealed && deviceLink === null ? ' It holds no device link for this device.' : '') +
          (file.notesLeftOut > 0
            ? ` ${file.notesLeftOut} meetings’ notes are not on this device yet and are not in it.`
            : ''),
      )
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card" aria-labelledby="save-pod-heading" onSubmit={(e) => void save(e)}>
      <h2 id="save-pod-heading">Save the whole pod</h2>
      <p className="muted">
        One file with everything: members, practice, meetings and every circle’s notes. Open it on
        any device to bring the pod back, or to merge it into the pod there.
      </p>
      <label htmlFor="save-passphrase">Passphrase (optional)</label>
      <input
        id="save-passphrase"
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
      />
      <p className="muted">
        With a passphrase the file is sealed: only someone who knows it can read the pod. A sealed
        file also lets a new device of yours rejoin the pod as you, for two weeks.
      </p>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save the whole pod'}
      </button>
      {message !== null && <p role="status">{message}</p>}
      <ErrorText error={error} />
    </form>
  )
}

/**
 * "Open a pod from a file": a whole-pod file restores its pod here (or merges into the copy
 * here); a sealed one asks for its passphrase first. An older bare pod file opens as a copy.
 */
export function OpenPodFile(props: { onOpened: (url: string) => void }) {
  const { importPod, needsPassphrase } = usePodFiles()
  const [error, setError] = useState<string | null>(null)
  const [sealed, setSealed] = useState<Uint8Array | null>(null)
  const [passphrase, setPassphrase] = useState('')
  const [busy, setBusy] = useState(false)
  const openBytes = async (bytes: Uint8Array, phrase: string | null) => {
    setBusy(true)
    setError(null)
    try {
      const opened = await importPod(bytes, phrase)
      setSealed(null)
      setPassphrase('')
      props.onOpened(opened.url)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file === undefined) return
    setError(null)
    const bytes = new Uint8Array(await file.arrayBuffer())
    if (needsPassphrase(bytes)) {
      setSealed(bytes)
      return
    }
    setSealed(null)
    await openBytes(bytes, null)
  }
  return (
    <section className="card" aria-labelledby="open-file-heading">
      <h2 id="open-file-heading">Open a pod from a file</h2>
      <p className="muted">
        A saved pod comes back with its whole history and every circle’s notes. If this device has
        the pod already, the file merges into it: nothing is duplicated.
      </p>
      <label htmlFor="pod-file">Pod file (.tendpod)</label>
      <input
        id="pod-file"
        type="file"
        accept=".tendpod,.automerge,application/octet-stream"
        disabled={busy}
        onChange={(e) => void choose(e)}
      />
      {sealed !== null && (
        <form
          aria-label="Open a sealed pod file"
          onSubmit={(e) => {
            e.preventDefault()
            void openBytes(sealed, passphrase)
          }}
        >
          <label htmlFor="open-passphrase">This file is sealed. Its passphrase</label>
          <input
            id="open-passphrase"
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Opening…' : 'Open the file'}
          </button>
        </form>
      )}
      {busy && sealed === null && <p role="status">Opening the file…</p>}
      <ErrorText error={error} />
    </section>
  )
}

/**
 * "Remove from this device": this device forgets the pod (its record and every circle's notes
 * are deleted here, and it stops syncing it); the other members keep theirs. Asks once more,
 * and points to saving the whole pod first.
 */
export function RemovePodFromDevice(props: { url: string; podName: string }) {
  const remove = useRemovePod()
  const { exportPod } = usePodFiles()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The offer to keep a copy before forgetting: the whole pod, unsealed, in one tap.
  const saveFirst = async () => {
    setBusy(true)
    setError(null)
    try {
      const file = await exportPod(props.url, { passphrase: null, deviceLink: null })
      if (file === null) return setError('This pod is not fully on this device yet.')
      download(file.bytes, file.fileName)
      setSaved(`Saved ${file.fileName}. Keep it somewhere safe before removing the pod.`)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  const confirm = async () => {
    setBusy(true)
    setError(null)
    try {
      await remove(props.url)
      location.hash = '#/'
    } catch (e) {
      setError(messageOf(e))
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="remove-pod-heading">
      <h2 id="remove-pod-heading">Remove from this device</h2>
      <p className="muted">
        This device forgets the pod: its record and every circle’s notes are deleted here, and it
        stops syncing it. The other members keep theirs. Save the whole pod first if you may want it
        back.
      </p>
      {!confirming ? (
        <button type="button" onClick={() => setConfirming(true)}>
          Remove from this device…
        </button>
      ) : (
        <div role="group" aria-label="Confirm removing the pod">
          <p>
            <strong>Remove {props.podName} from this device?</strong>
          </p>
          <button type="button" disabled={busy} onClick={() => void saveFirst()}>
            Save a copy first
          </button>
          {saved !== null && <p role="status">{saved}</p>}
          <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Removing…' : 'Remove it'}
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </section>
  )
}
