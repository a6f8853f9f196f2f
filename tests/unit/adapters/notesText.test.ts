import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { createNotesTextReader } from '../../../src/adapters/automerge/notesText.ts'

describe('readNotesText', () => {
  it('reads the text of a notes document on this device', async () => {
    const repo = new Repo({ network: [] })
    const handle = repo.create({
      schemaVersion: 1,
      meetingId: 'm',
      podId: 'p',
      text: 'Hello circle',
    })
    const read = createNotesTextReader(repo, 500)
    expect(await read(handle.url)).toBe('Hello circle')
  })

  it('reads a document a peer wrote without text as no notes', async () => {
    const repo = new Repo({ network: [] })
    const handle = repo.create({ schemaVersion: 1, text: 42 })
    expect(await createNotesTextReader(repo, 500)(handle.url)).toBeNull()
  })

  it('gives up, without throwing, on a bad link or a document nobody has', async () => {
    const repo = new Repo({ network: [] })
    const read = createNotesTextReader(repo, 300)
    expect(await read('not a url')).toBeNull()
    const elsewhere = new Repo({ network: [] }).create({ text: 'not here' })
    expect(await read(elsewhere.url)).toBeNull()
  })
})
