import { podKeyOf } from '../../adapters/automerge/podStore.ts'

/** Links from a pod's overview to its rhythm, knowledge and vitality screens. */
export function InsightNav(props: { url: string }) {
  const base = `#/pod/${podKeyOf(props.url)}`
  return (
    <nav aria-label="Rhythm, knowledge and vitality" className="pod-nav">
      <a href={`${base}/rhythm`}>Rhythm</a>
      <a href={`${base}/knowledge`}>What we have learned</a>
      <a href={`${base}/vitality`}>Vitality</a>
    </nav>
  )
}
