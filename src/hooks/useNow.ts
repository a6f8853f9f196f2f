import { useEffect, useState } from 'react'

/**
 * The current time, refreshed every `everyMs` (a minute by default) and whenever `refreshOn`
 * changes (pass the record being read, so a change made just now — a one-on-one started, a
 * pause begun — is read at a time after it). For screens that read the record "as of now";
 * read here, not in render, so renders stay pure.
 */
export function useNow(everyMs = 60_000, refreshOn?: unknown): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  useEffect(() => {
    const tick = setTimeout(() => setNow(Date.now()), 0)
    return () => clearTimeout(tick)
  }, [refreshOn])
  return now
}
