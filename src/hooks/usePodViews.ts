import { useEffect, useMemo, useState } from 'react'
import type { PodDoc } from '../schema/podDocument.ts'
import { useServices } from './services.ts'

/**
 * Follows several pods at once (the ecology reads every pod on this device) and returns the
 * ones open and readable, in the order of `urls`. Pods still loading or not on this device yet
 * are left out until they arrive.
 */
export function usePodViews(urls: readonly string[]): { url: string; view: PodDoc }[] {
  const { pods } = useServices()
  const [views, setViews] = useState<Record<string, PodDoc>>({})
  const key = urls.join('\n')
  useEffect(() => {
    const list = key === '' ? [] : key.split('\n')
    const stops = list.map((url) =>
      pods.watch(url, (state) => {
        if (state.status !== 'ready') return
        setViews((current) => ({ ...current, [url]: state.view }))
      }),
    )
    return () => stops.forEach((stop) => stop())
  }, [pods, key])
  // Stable between changes, so callers can key effects and memos on it.
  return useMemo(
    () =>
      (key === '' ? [] : key.split('\n')).flatMap((url) => {
        const view = views[url]
        return view === undefined ? [] : [{ url, view }]
      }),
    [key, views],
  )
}
