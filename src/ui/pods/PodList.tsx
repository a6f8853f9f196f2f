import { useEffect, useState, type FormEvent } from 'react'
import type { PodKind } from '../../schema/podDocument.ts'
import { POD_KINDS } from '../../schema/podDocument.ts'
import type { DeviceProfile } from '../../adapters/device/deviceStore.ts'
import { usePodList } from '../../hooks/useDeviceData.ts'
import { useCreatePod } from '../../hooks/useCreatePod.ts'
import { POD_KIND_LABELS, formatDate, messageOf } from '../common/labels.ts'
import { podPath } from '../common/paths.ts'
import { OpenPodFile } from './PodFileActions.tsx'
import { SamplePodButton } from './SamplePodButton.tsx'

/** The pods on this device, and the form to start a new one. */
export function PodList(props: { profile: DeviceProfile; onOpen: (url: string) => void }) {
  const pods = usePodList()
  const listed = pods !== null
  useEffect(() => {
    // For `npm run bench`: the list painted, to compare with the wasm being ready.
    if (listed) performance.mark('tend:pods-listed')
  }, [listed])
  return (
    <>
      <section aria-labelledby="pods-heading">
        <h1 id="pods-heading">Your pods</h1>
        {pods === null ? (
          <p>Opening your pods…</p>
        ) : pods.length === 0 ? (
          <p>No pods yet. Start one below, or open an invite link a member sent you.</p>
        ) : (
          <ul className="pod-list">
            {pods.map((pod) => (
              <li key={pod.url}>
                <a href={podPath(pod.url)} className="pod-link">
                  <span className="pod-name">{pod.name}</span>
                  <span className="muted">since {formatDate(pod.addedAt)}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <CreatePodForm profile={props.profile} onCreated={props.onOpen} />
      <OpenPodFile onOpened={props.onOpen} />
      <SamplePodButton onCreated={props.onOpen} />
    </>
  )
}

function CreatePodForm(props: { profile: DeviceProfile; onCreated: (url: string) => void }) {
  const createPod = useCreatePod()
  const [name, setName] = useState('')
  const [purpose, setPurpose] = useState('')
  const [kind, setKind] = useState<PodKind>('learning-pod')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const url = await createPod({
        name,
        purpose,
        kind,
        founder: { name: props.profile.displayName, stage: props.profile.stage },
      })
      setName('')
      setPurpose('')
      props.onCreated(url)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="new-pod-heading">
      <h2 id="new-pod-heading">Start a pod</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor="pod-name">Name</label>
        <input
          id="pod-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={80}
        />
        <label htmlFor="pod-purpose">Purpose</label>
        <textarea
          id="pod-purpose"
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          rows={2}
          placeholder="What this group is here to learn together"
        />
        <fieldset className="choice">
          <legend>Kind</legend>
          {POD_KINDS.map((k) => (
            <label key={k}>
              <input
                type="radio"
                name="pod-kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              {POD_KIND_LABELS[k]}
            </label>
          ))}
        </fieldset>
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Create pod
        </button>
      </form>
    </section>
  )
}
