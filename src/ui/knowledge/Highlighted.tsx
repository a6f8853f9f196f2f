import { highlightSegments } from '../../adapters/search/knowledgeSearch.ts'

/**
 * Text with the matched words marked — built as React text nodes and `<mark>` elements, never
 * as HTML, so whatever a peer typed stays text.
 */
export function Highlighted(props: { text: string; terms: readonly string[] }) {
  return (
    <>
      {highlightSegments(props.text, props.terms).map((segment, i) =>
        segment.match ? <mark key={i}>{segment.text}</mark> : <span key={i}>{segment.text}</span>,
      )}
    </>
  )
}
