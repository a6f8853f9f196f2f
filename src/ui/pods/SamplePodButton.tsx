import { useState } from 'react'
import { useCreateSamplePod } from '../../hooks/useSamplePod.ts'
import { messageOf } from '../common/labels.ts'

/**
 * "Explore a sample pod": creates a pod with two years of true-to-life history — a healthy
 * year, then a drifting one — to look around in (rhythm, knowledge, vitality) before starting
 * one's own.
 */
export function SamplePodButton(props: { onCreated: (url: string) => void }) {
  const createSample = useCreateSamplePod()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const create = async () => {
    setBusy(true)
    setError(null)
    try {
      props.onCreated(await createSample())
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="sample-heading">
      <h2 id="sample-heading">Explore a sample pod</h2>
      <p className="muted">
        “Riverside organisers”: two years of a learning pod — people joining and leaving, a healthy
        first year and a drifting second. It stays on this device until you remove it.
      </p>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" onClick={() => void create()} disabled={busy} aria-busy={busy}>
        {busy ? 'Growing two years of history…' : 'Explore a sample pod'}
      </button>
    </section>
  )
}
