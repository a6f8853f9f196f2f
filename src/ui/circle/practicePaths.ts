import { podKeyOf } from '../../adapters/automerge/podStore.ts'

/** The circle-practice screens of a pod (norms, roles, pairings), by their in-app address. */
export type PracticeScreen = 'norms' | 'roles' | 'pairings'

export function practicePath(url: string, screen: PracticeScreen): string {
  return `#/pod/${podKeyOf(url)}/${screen}`
}

/** The pod's circle formats, or one of its own formats open to edit. */
export function formatsPath(url: string, formatId: string | null = null): string {
  return `#/pod/${podKeyOf(url)}/formats${formatId === null ? '' : `/${formatId}`}`
}

/** Circle mode for one meeting. */
export function circlePath(url: string, meetingId: string): string {
  return `#/pod/${podKeyOf(url)}/circle/${meetingId}`
}
