import { useCallback, useState } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import type { CommandContext } from '../../domain/commandContext.ts'
import { usePodCommand } from '../../hooks/usePod.ts'
import { messageOf } from '../common/labels.ts'

/**
 * Runs a domain command and keeps its error for the screen: resolves to the command's result,
 * or to `undefined` when the command refused (the pod is then unchanged and `error` says why).
 */
export function useAttempt(url: string): {
  attempt: <T>(command: (doc: PodDoc, ctx: CommandContext) => T) => Promise<T | undefined>
  error: string | null
  clearError: () => void
} {
  const run = usePodCommand(url)
  const [error, setError] = useState<string | null>(null)
  const attempt = useCallback(
    async <T,>(command: (doc: PodDoc, ctx: CommandContext) => T): Promise<T | undefined> => {
      setError(null)
      try {
        return await run(command)
      } catch (e) {
        setError(messageOf(e))
        return undefined
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
