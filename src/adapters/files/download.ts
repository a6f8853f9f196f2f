/**
 * The file-download boundary: hands a text file (an .ics calendar, a Markdown export) to the
 * browser to save, through a Blob and an object URL. Works offline — nothing leaves the device.
 *
 * Assumes a DOM (`document`, `URL.createObjectURL`); the object URL is revoked after the click
 * has been handled, so nothing is leaked across repeated downloads.
 */

/** Offers `text` as a file named `filename` with the given MIME type. */
export function saveTextFile(filename: string, text: string, mimeType: string): void {
  const blob = new Blob([text], { type: mimeType })
  const href = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = href
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  try {
    link.click()
  } finally {
    link.remove()
    // Revoke on a later task: Chromium reads the blob after the click event returns.
    setTimeout(() => URL.revokeObjectURL(href), 10_000)
  }
}

/** A file name made from what a person typed ("Riverside organisers" → "riverside-organisers"). */
export function fileNameFrom(text: string, extension: string): string {
  const base = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${base === '' ? 'tend' : base}.${extension}`
}
