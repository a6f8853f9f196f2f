// Built only for `npm run bench` (TEND_BENCH=1): the floor for "cold start → pod shown". A cold
// page that reads the same pod's plain view from IndexedDB (the app's own cache of it,
// `tend-pod-views`), parses it and renders it — no framework, no Automerge — and marks
// `floor:rendered`. Whatever Tend does beyond this is its own cost.

interface PlainView {
  pod: { name: string; purpose: string }
  members: Record<string, { name: string }>
  meetings: Record<string, { scheduledFor: number }>
}

async function readView(url: string): Promise<PlainView | null> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('tend-pod-views')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  const entry = await new Promise<unknown>((resolve, reject) => {
    const get = db.transaction('views').objectStore('views').get(url)
    get.onsuccess = () => resolve(get.result)
    get.onerror = () => reject(get.error)
  })
  db.close()
  // Parse: the plain view as JSON text, as a floor that stored text would read it.
  const view = (entry as { view?: unknown } | undefined)?.view
  return view === undefined ? null : (JSON.parse(JSON.stringify(view)) as PlainView)
}

async function render(): Promise<void> {
  const url = decodeURIComponent(location.hash.slice(1))
  const view = await readView(url)
  const main = document.getElementById('floor')
  if (main === null || view === null) throw new Error('no cached view for the floor page')
  const h1 = document.createElement('h1')
  h1.textContent = view.pod.name
  const list = document.createElement('ul')
  for (const member of Object.values(view.members)) {
    const li = document.createElement('li')
    li.textContent = member.name
    list.append(li)
  }
  const meetings = document.createElement('p')
  meetings.textContent = `${Object.keys(view.meetings).length} meetings`
  main.append(h1, list, meetings)
  requestAnimationFrame(() => performance.mark('floor:rendered'))
}

void render()
