import { useCallback, useState } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import type { CommandContext } from '../../domain/commandContext.ts'
import { usePodCommand } from '../../hooks/usePod.ts'
import { messageOf } from '../common/labels.ts'

/** What a command did: `ok` with its result, or refused (and `error` says why). */
export type Attempted<T> = { ok: true; value: T } | { ok: false }

/**
 * Runs a domain command and keeps its error for the screen. A command that returns nothing
 * still reports `ok`, so a screen never mistakes a done edit for a refused one.
 */
export function useAttempt(url: string): {
  attempt: <T>(command: (doc: PodDoc, ctx: CommandContext) => T) => Promise<Attempted<T>>
  error: string | null
  clearError: () => void
} {
  const run = usePodCommand(url)
  const [error, setError] = useState<string | null>(null)
  const attempt = useCallback(
    async <T,>(command: (doc: PodDoc, ctx: CommandContext) => T): Promise<Attempted<T>> => {
      setError(null)
      try {
        return { ok: true, value: await run(command) }
      } catch (e) {
        setError(messageOf(e))
        return { ok: false }
      }
    },
    [run],
  )
  const clearError = useCallback(() => setError(null), [])
  return { attempt, error, clearError }
}

/** A command's refusal, announced to screen readers. */
export function ErrorText(props: { error: string | null }) {
  if (props.error === null) return null
  return (
    <p className="error" role="alert">
      {props.error}
    </p>
  )
}
