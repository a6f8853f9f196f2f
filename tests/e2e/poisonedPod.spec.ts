import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { next as Automerge } from '@automerge/automerge'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, memberNames, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith, waitForMembers } from './support/sync.ts'

/**
 * Issue 11, "Trust under attack": no member can make the pod unusable for everyone. Bo's device
 * holds a change no honest Tend writes — the pod's kind an object whose `toString` is not a
 * function (it made the parser throw), Amara's joined date past the end of JavaScript's dates.
 * It reaches Amara the way any member's change does: stored on Bo's device and synced. Amara's
 * device must still show the pod and say what it repaired, keep syncing, and admit a newcomer.
 */

interface StoredChunk {
  key: string[]
  binary: number[]
}

/** Every stored chunk of one document in this device's IndexedDB (automerge-repo's store). */
async function storedChunks(page: Page, documentId: string): Promise<StoredChunk[]> {
  return page.evaluate(
    (id) =>
      new Promise<StoredChunk[]>((resolve, reject) => {
        const open = indexedDB.open('tend-documents')
        open.onerror = () => reject(new Error('cannot open tend-documents'))
        open.onsuccess = () => {
          const store = open.result.transaction('documents').objectStore('documents')
          const all = store.getAll(IDBKeyRange.bound([id], [id, '\uffff']))
          all.onsuccess = () =>
            resolve(
              (all.result as { key: string[]; binary: Uint8Array }[]).map((row) => ({
                key: row.key,
                binary: [...row.binary],
              })),
            )
          all.onerror = () => reject(new Error('cannot read the pod'))
        }
      }),
    documentId,
  )
}

/** Stores `binary` as one more chunk of the document, as automerge-repo stores a change. */
async function storeChunk(page: Page, key: string[], binary: number[]): Promise<void> {
  await page.evaluate(
    ({ key, binary }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tend-documents')
        open.onerror = () => reject(new Error('cannot open tend-documents'))
        open.onsuccess = () => {
          const tx = open.result.transaction('documents', 'readwrite')
          tx.objectStore('documents').put({ key, binary: new Uint8Array(binary) }, key)
          tx.oncomplete = () => resolve()
          tx.onerror = () => reject(new Error('cannot write the change'))
        }
      }),
    { key, binary },
  )
}

/** A change to the stored pod that no honest Tend writes, made with Automerge's own backend. */
function hostileChanges(chunks: readonly StoredChunk[]): Uint8Array[] {
  let doc = Automerge.init<Record<string, unknown>>()
  for (const chunk of chunks) doc = Automerge.loadIncremental(doc, new Uint8Array(chunk.binary))
  const members = doc['members'] as Record<string, { name: string }>
  const amara = Object.keys(members).find((id) => members[id]?.name === 'Amara')
  if (amara === undefined) throw new Error('Amara is not in the stored pod')
  const fork = Automerge.clone(doc, { actor: 'badbadbadbadbadbadbadbadbadbadba' })
  const backend = Automerge.getBackend(fork)
  const pod = backend.get('_root', 'pod') as string
  backend.putObject(pod, 'kind', { toString: 1 } as never)
  const membersId = backend.get('_root', 'members') as string
  const amaraId = backend.get(membersId, amara) as string
  backend.put(amaraId, 'joinedAt', 1e300, 'f64')
  backend.commit('poison')
  return Automerge.getChanges(doc, Automerge.load(backend.save()))
}

describe('a pod with a poisoned field', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let amara: Device
  let bo: Device
  let cy: Device
  let podUrl = ''

  beforeAll(async () => {
    host = await startTestHost()
    ;[amara, bo, cy] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([amara, bo, cy].map((d) => d?.destroy()))
    await host?.close()
  })

  it('reaches every member the way any change does', async () => {
    await startAs(amara.page, `${host.url}/`, 'Amara')
    await createPod(amara.page, { name: 'Shared pod', kind: /^Circle/ })
    podUrl = amara.page.url()
    await joinByInvite(bo.page, await makeInvite(amara.page), 'Bo', 'Shared pod')
    await waitConnectedWith(amara.page, ['Bo'])

    const documentId = podUrl.split('#/pod/')[1] ?? ''
    await expect
      .poll(async () => (await storedChunks(bo.page, documentId)).length)
      .toBeGreaterThan(0)
    const chunks = await storedChunks(bo.page, documentId)
    const changes = hostileChanges(chunks)
    expect(changes).toHaveLength(1)
    for (const [i, change] of changes.entries()) {
      await storeChunk(bo.page, [documentId, 'incremental', `poison-${i}`], [...change])
    }
    await bo.page.reload()
    await bo.page.getByRole('heading', { name: 'Shared pod', level: 1 }).waitFor()
  })

  it('still shows the pod on the other member’s device and names what was repaired', async () => {
    const repairs = amara.page.locator('details.repairs li')
    await expect
      .poll(async () => (await repairs.allTextContents()).join('\n'))
      .toContain('pod: kind (an object) is not one of learning-pod, cohort, circle')
    expect((await repairs.allTextContents()).join('\n')).toContain(
      'joinedAt was not a date Tend can show',
    )
    await amara.page.getByRole('heading', { name: 'Shared pod', level: 1 }).waitFor()
    expect((await memberNames(amara.page)).sort()).toEqual(['Amara', 'Bo'])
    await amara.page.goto(`${podUrl}/vitality`)
    await amara.page.getByRole('heading', { name: 'Vitality', level: 1 }).waitFor()
    expect(await amara.page.getByTestId('screen-failed').count()).toBe(0)
    await amara.page.goto(podUrl)
  })

  it('keeps syncing: an edit made after the poison arrives', async () => {
    await addMember(bo.page, 'Dee', 'Newer')
    await waitForMembers(amara.page, ['Amara', 'Bo', 'Dee'])
    // Bo's edit wrote the repairs into the pod; Bo's device still names them.
    expect((await bo.page.locator('details.repairs li').allTextContents()).join('\n')).toContain(
      'pod: kind (an object) is not one of learning-pod, cohort, circle',
    )
  })

  it('still admits a newcomer to the pod', async () => {
    await joinByInvite(cy.page, await makeInvite(amara.page), 'Cy', 'Shared pod')
    await waitConnectedWith(amara.page, ['Bo', 'Cy'])
    await waitForMembers(cy.page, ['Amara', 'Bo', 'Cy', 'Dee'])
  })
})
