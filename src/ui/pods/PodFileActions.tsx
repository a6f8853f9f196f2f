import { useState, type ChangeEvent } from 'react'
import { usePodFiles } from '../../hooks/usePodFiles.ts'
import { messageOf } from '../common/labels.ts'

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

/** "Save a copy of this pod": the whole history in one file. */
export function SavePodCopy(props: { url: string }) {
  const { exportPod } = usePodFiles()
  const [message, setMessage] = useState<string | null>(null)
  const save = async () => {
    const file = await exportPod(props.url)
    if (file === null) return setMessage('This pod is not fully on this device yet.')
    download(file.bytes, file.fileName)
    setMessage(`Saved ${file.fileName}.`)
  }
  return (
    <p>
      <button type="button" onClick={() => void save()}>
        Save a copy of this pod
      </button>
      {message !== null && <span role="status"> {message}</span>}
    </p>
  )
}

/** "Open a pod from a file": a saved copy becomes a new pod on this device. */
export function OpenPodFile(props: { onOpened: (url: string) => void }) {
  const { importPod } = usePodFiles()
  const [error, setError] = useState<string | null>(null)
  const open = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file === undefined) return
    setError(null)
    try {
      props.onOpened(await importPod(new Uint8Array(await file.arrayBuffer())))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="card" aria-labelledby="open-file-heading">
      <h2 id="open-file-heading">Open a pod from a file</h2>
      <p className="muted">A saved copy opens as a new pod of your own, with its whole history.</p>
      <label htmlFor="pod-file">Pod file (.automerge)</label>
      <input
        id="pod-file"
        type="file"
        accept=".automerge,application/octet-stream"
        onChange={(e) => void open(e)}
      />
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
