import { podKeyOf } from '../../adapters/automerge/podStore.ts'

/** The in-app address of a pod's overview. */
export function podPath(url: string): string {
  return `#/pod/${podKeyOf(url)}`
}
