/**
 * Cutting a member off the network for real, as a phone loses its signal: the link of the
 * member's network namespace goes down (WebRTC links break, which playwright's setOffline alone
 * does not do), and the page is told it is offline so that `navigator.onLine` agrees. Coming back
 * brings the link up, restores the default route (a link going down drops it) and tells the page.
 */
import { execFileSync } from 'node:child_process'
import type { Device } from './browser.ts'

export interface MemberLink {
  /** The member's network namespace. */
  namespace: string
  /** The link inside it. */
  link: string
  /** Its default gateway. */
  gateway: string
}

function inNamespace(namespace: string, ...command: string[]): void {
  execFileSync('ip', ['netns', 'exec', namespace, ...command], { stdio: 'ignore' })
}

export async function cutOff(device: Device, member: MemberLink): Promise<void> {
  inNamespace(member.namespace, 'ip', 'link', 'set', member.link, 'down')
  await device.context.setOffline(true)
}

export async function bringBack(device: Device, member: MemberLink): Promise<void> {
  inNamespace(member.namespace, 'ip', 'link', 'set', member.link, 'up')
  inNamespace(member.namespace, 'ip', 'route', 'replace', 'default', 'via', member.gateway)
  await device.context.setOffline(false)
}
