import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, waitForServiceWorker, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, expectNoViolations, seriousA11yViolations, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, relaunch, waitConnectedWith } from './support/sync.ts'

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** Opens one of the pod's practice screens from the pod home's nav. */
async function openPractice(
  page: Page,
  podUrl: string,
  link: 'Norms' | 'Roles' | 'Peer mentoring' | 'Circle formats',
) {
  await page.goto(podUrl)
  await page
    .getByRole('navigation', { name: 'Circle practice' })
    .getByRole('link', { name: link })
    .click()
}

function proposal(page: Page, text: string) {
  return page.getByTestId('proposal').filter({ hasText: text })
}

async function answer(
  page: Page,
  text: string,
  choice: 'I consent' | 'I stand aside' | 'I object',
) {
  const card = proposal(page, text)
  await card.waitFor({ timeout: 60_000 })
  await card.getByLabel(choice).check()
  await card.getByRole('button', { name: 'Give my answer' }).click()
  await card.getByTestId('my-answer').waitFor()
}

/** The notes as the editor shows them, line by line. */
async function notesText(page: Page): Promise<string> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.notes-editor .cm-line')].map((l) => l.textContent).join('\n'),
  )
}

function section(page: Page, name: string) {
  return page.getByRole('region', { name })
}

// Three members on devices of their own, connected peer to peer over WebRTC (the sync of the
// previous issue), practising together: a consent round, shared notes, a circle run offline.
describe('circle practice with three members', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let c: Device
  let podUrl = ''
  const POD = 'Friday circle'

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b, c] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
    await startAs(a.page, `${host.url}/`, 'Amara')
    podUrl = await createPod(a.page, { name: POD, kind: /^Learning pod/ })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD, 'Practising')
    await joinByInvite(c.page, await makeInvite(a.page), 'Cy', POD)
  })
  afterAll(async () => {
    await Promise.all([a, b, c].map((d) => d?.destroy()))
    await host?.close()
  })

  it('keeps a consent round’s answers hidden until the last member answers', async () => {
    await waitConnectedWith(a.page, ['Bo', 'Cy'])
    await waitConnectedWith(b.page, ['Amara', 'Cy'])
    await waitConnectedWith(c.page, ['Amara', 'Bo'])
    await openPractice(a.page, podUrl, 'Norms')
    await a.page.getByRole('heading', { name: 'Norms', level: 1 }).waitFor()
    // A new pod is offered its first norm-setting circle with the starter prompts.
    const first = section(a.page, 'Your first norm-setting circle')
    await first.getByRole('heading', { name: 'Confidentiality' }).waitFor()
    await first.getByRole('heading', { name: 'When someone misses' }).waitFor()
    expectNoViolations('norms', await seriousA11yViolations(a.page, axeSource))

    const NORM = 'Phones face down while we meet'
    const form = section(a.page, 'Propose a norm')
    await form.getByLabel('The norm').fill(NORM)
    await form.getByLabel('Why (optional)').fill('So we are with each other')
    await form.getByRole('button', { name: 'Propose' }).click()

    await Promise.all([
      openPractice(b.page, podUrl, 'Norms'),
      openPractice(c.page, podUrl, 'Norms'),
    ])
    await answer(a.page, NORM, 'I consent')
    await answer(b.page, NORM, 'I stand aside')

    // Both answers have reached every device (each says who answered), yet nobody sees what.
    for (const page of [a.page, b.page, c.page]) {
      await expect
        .poll(() => proposal(page, NORM).getByTestId('round-waiting').textContent(), {
          timeout: 30_000,
        })
        .toMatch(/Waiting for Cy\. Answered so far: Amara, Bo\./)
      expect(await proposal(page, NORM).getByTestId('round-response').count()).toBe(0)
      expect(
        await proposal(page, NORM).getByRole('button', { name: 'Adopt this norm' }).count(),
      ).toBe(0)
    }

    await answer(c.page, NORM, 'I consent')
    const all = ['Amara: Consents', 'Bo: Stands aside', 'Cy: Consents']
    for (const page of [a.page, b.page, c.page]) {
      await expect
        .poll(() => proposal(page, NORM).getByTestId('round-response').allTextContents(), {
          timeout: 30_000,
        })
        .toEqual(all)
    }
    await proposal(b.page, NORM).getByRole('button', { name: 'Adopt this norm' }).click()
    for (const page of [a.page, b.page, c.page]) {
      await expect
        .poll(() => page.getByTestId('adopted-norm').allTextContents(), { timeout: 30_000 })
        .toEqual([expect.stringContaining(NORM)])
    }
  })

  it('shows roles and pairings accessibly, and rotates pairings', async () => {
    await openPractice(a.page, podUrl, 'Roles')
    await a.page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor()
    const upcoming = a.page.getByTestId('upcoming-holders')
    await expect.poll(() => upcoming.getByRole('listitem').count()).toBe(3)
    expect(await upcoming.textContent()).toContain('Facilitator')
    expectNoViolations('roles', await seriousA11yViolations(a.page, axeSource))

    await openPractice(a.page, podUrl, 'Peer mentoring')
    await a.page.getByRole('button', { name: 'Propose a new rotation' }).click()
    // Amara (experienced) mentors Bo (practising), who mentors Cy (newer): a chain of ones.
    await expect
      .poll(() => a.page.getByTestId('proposed-pairings').getByRole('listitem').allTextContents())
      .toEqual(['Amara mentors Bo', 'Bo mentors Cy'])
    await a.page.getByRole('button', { name: 'Start this rotation' }).click()
    await openPractice(c.page, podUrl, 'Peer mentoring')
    await expect
      .poll(async () => (await c.page.getByTestId('pairing').allTextContents()).sort(), {
        timeout: 30_000,
      })
      .toEqual([
        expect.stringContaining('Amara mentors Bo'),
        expect.stringContaining('Bo mentors Cy'),
      ])
    // Cy declines; the pairing moves to the history on every device.
    await c.page.getByRole('button', { name: 'Decline this pairing' }).click()
    await expect
      .poll(() => a.page.getByTestId('pairing-history').textContent(), { timeout: 30_000 })
      .toContain('Bo mentored Cy')
    expectNoViolations('pairings', await seriousA11yViolations(a.page, axeSource))
  })

  it('lets two members type into the same notes at once; every character survives on both', async () => {
    await a.page.goto(podUrl)
    await a.page.getByRole('button', { name: 'Start a circle now' }).click()
    await a.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    const circleUrl = a.page.url()
    expect(circleUrl).toMatch(/#\/pod\/[A-Za-z0-9]+\/circle\/[A-Za-z0-9_-]+$/)
    await b.page.goto(circleUrl)
    const editorA = a.page.getByRole('textbox', { name: 'Circle notes' })
    const editorB = b.page.getByRole('textbox', { name: 'Circle notes' })
    await editorA.waitFor()
    await editorB.waitFor({ timeout: 60_000 })
    // Presence: each sees the other in the notes.
    await expect
      .poll(() => a.page.getByTestId('notes-presence').textContent(), { timeout: 30_000 })
      .toBe('Also in the notes: Bo.')
    await expect
      .poll(() => b.page.getByTestId('notes-presence').textContent(), { timeout: 30_000 })
      .toBe('Also in the notes: Amara.')

    await editorA.click()
    await a.page.keyboard.type('Amara: ')
    await a.page.keyboard.press('Enter')
    await a.page.keyboard.type('Bo: ')
    await expect.poll(() => notesText(b.page), { timeout: 30_000 }).toBe('Amara: \nBo: ')

    // Both type at the same moment, each on their own line.
    await editorB.click()
    await Promise.all([
      (async () => {
        await a.page.keyboard.press('Control+Home')
        await a.page.keyboard.press('End')
        await a.page.keyboard.type('the room is warm and quiet', { delay: 25 })
      })(),
      (async () => {
        await b.page.keyboard.press('Control+End')
        await b.page.keyboard.type('we begin with a breath', { delay: 25 })
      })(),
    ])
    const merged = 'Amara: the room is warm and quiet\nBo: we begin with a breath'
    await expect.poll(() => notesText(a.page), { timeout: 30_000 }).toBe(merged)
    await expect.poll(() => notesText(b.page), { timeout: 30_000 }).toBe(merged)

    // An action to carry into the next circle, then close this one.
    const actions = section(a.page, 'Actions')
    await actions.getByLabel('Action', { exact: true }).fill('Book the room for next time')
    await actions.getByLabel('Owner').selectOption({ label: 'Amara' })
    await actions.getByRole('button', { name: 'Add action' }).click()
    await actions.getByTestId('circle-actions').getByText('Book the room for next time').waitFor()
    expectNoViolations('circle', await seriousA11yViolations(a.page, axeSource))
    await a.page.getByRole('button', { name: 'Confirm and close the circle' }).click()
    await a.page.getByTestId('circle-held').waitFor()
  })

  it('runs a whole circle offline and merges it with everyone on reconnect', async () => {
    await waitForServiceWorker(c.page)
    await c.close()
    await a.page.goto(podUrl)
    await waitConnectedWith(a.page, ['Bo'])

    // Cy opens Tend with no network at all.
    c = await relaunch(c)
    await c.context.setOffline(true)
    await c.page.emulateMedia({ reducedMotion: 'reduce' })
    await c.page.goto(podUrl)
    await c.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await expect
      .poll(() => c.page.getByTestId('connected-with').textContent())
      .toBe('Only on this device right now.')
    // Today's circle is held already: Cy starts another, ad hoc.
    await c.page.getByRole('button', { name: 'Start a circle now' }).click()
    await c.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    const circleUrl = c.page.url()

    // Attendance, the norms opening the circle, the carried action.
    for (const name of ['Amara', 'Bo', 'Cy']) {
      await c.page.getByRole('group', { name }).getByLabel('Present').check()
    }
    await expect
      .poll(() => c.page.getByTestId('circle-norms').textContent())
      .toContain('Phones face down while we meet')
    await section(c.page, 'Actions')
      .getByTestId('carried-actions')
      .getByText('Book the room for next time')
      .waitFor()

    // A timed step, reduced motion: no moving bar, minutes in words.
    const format = section(c.page, 'Format')
    await format.getByRole('button', { name: /^Start “/ }).click()
    await expect.poll(() => format.getByTestId('timer').textContent()).toMatch(/about \d+ min/)
    expect(await format.locator('progress').count()).toBe(0)

    // The check-in round in talking-piece order, each passing the piece.
    const round = section(c.page, 'Check-in round')
    for (let turn = 0; turn < 3; turn++) {
      const speaker = (await round.getByTestId('speaker').textContent()) ?? ''
      const name = /Holding the piece: (\w+)/.exec(speaker)?.[1] ?? ''
      await round.getByLabel(`What ${name} brought (optional)`).fill(`${name} is glad to be here`)
      await round.getByRole('button', { name: 'Pass the piece' }).click()
      await expect
        .poll(() => round.getByTestId('check-ins').getByRole('listitem').count())
        .toBe(turn + 1)
    }
    await expect
      .poll(() => round.getByTestId('speaker').textContent())
      .toBe('Everyone has checked in.')

    // Notes, an insight and an action, offline.
    const editor = c.page.getByRole('textbox', { name: 'Circle notes' })
    await editor.click()
    await c.page.keyboard.type('Written offline by Cy')
    const insights = section(c.page, 'Insights')
    await insights.getByLabel('Breakthrough', { exact: true }).check()
    await insights.getByLabel('Insight', { exact: true }).fill('Silence is part of the round')
    await insights.getByLabel('Tags, separated by commas').fill('listening, rounds')
    await insights.getByRole('button', { name: 'Record insight' }).click()
    await insights.getByText('Silence is part of the round').waitFor()
    const actions = section(c.page, 'Actions')
    await actions.getByLabel('Action', { exact: true }).fill('Share the notes')
    await actions.getByLabel('Owner').selectOption({ label: 'Bo' })
    await actions.getByRole('button', { name: 'Add action' }).click()
    await actions.getByTestId('circle-actions').getByText('Share the notes').waitFor()
    await c.page.getByRole('button', { name: 'Confirm and close the circle' }).click()
    await c.page.getByTestId('circle-held').waitFor()
    expect(await section(c.page, 'Closing').getByTestId('upcoming-holders').count()).toBe(1)

    // Meanwhile Amara proposes a norm while Cy is away.
    await openPractice(a.page, podUrl, 'Norms')
    const form = section(a.page, 'Propose a norm')
    await form.getByLabel('The norm').fill('We start on time')
    await form.getByRole('button', { name: 'Propose' }).click()

    // Back online: everything merges both ways.
    await c.context.setOffline(false)
    await c.page.goto(podUrl)
    await waitConnectedWith(c.page, ['Amara', 'Bo'])
    await a.page.goto(circleUrl)
    await a.page.getByTestId('circle-held').waitFor({ timeout: 60_000 })
    await expect
      .poll(() => a.page.getByTestId('check-ins').getByRole('listitem').count(), {
        timeout: 30_000,
      })
      .toBe(3)
    await section(a.page, 'Insights').getByText('Silence is part of the round').waitFor()
    await section(a.page, 'Actions')
      .getByTestId('circle-actions')
      .getByText('Share the notes')
      .waitFor()
    await expect.poll(() => notesText(a.page), { timeout: 60_000 }).toBe('Written offline by Cy')
    await openPractice(c.page, podUrl, 'Norms')
    await proposal(c.page, 'We start on time').waitFor({ timeout: 30_000 })

    // Both held circles count in the rotation: two different members have facilitated.
    await openPractice(a.page, podUrl, 'Roles')
    await expect
      .poll(() => a.page.getByTestId('role-history').filter({ hasText: 'Facilitator on' }).count())
      .toBe(2)
  })

  it('keeps the pod’s own copy of a format, edited, and runs it on every member’s screen', async () => {
    await openPractice(a.page, podUrl, 'Circle formats')
    await a.page.getByRole('button', { name: 'Make our own copy of Troika Consulting' }).click()
    await a.page.getByRole('heading', { name: 'Troika Consulting (ours)', level: 1 }).waitFor()

    // Shape it: a shorter name, a longer check-in, a silence, the response moved earlier.
    const nameForm = a.page.getByRole('form', { name: 'Name' })
    await nameForm.getByLabel('Name').fill('Troika, our way')
    await nameForm.getByRole('button', { name: 'Save name' }).click()
    await a.page.getByRole('heading', { name: 'Troika, our way', level: 1 }).waitFor()
    const checkIn = a.page.getByRole('form', { name: 'Step 3' })
    await checkIn.getByLabel('Step 3', { exact: true }).fill('Check-in: one word each')
    await checkIn.getByLabel('Minutes', { exact: true }).fill('9')
    await checkIn.getByRole('button', { name: 'Save step' }).click()
    await checkIn.getByRole('status').getByText('Step saved.').waitFor()
    const bad = a.page.getByRole('form', { name: 'Step 4' })
    await bad.getByLabel('Minutes', { exact: true }).fill('0')
    await bad.getByRole('button', { name: 'Save step' }).click()
    await bad.getByRole('alert').getByText('A step must be between 1 and 240 minutes.').waitFor()
    await bad.getByLabel('Minutes', { exact: true }).fill('3')
    await bad.getByRole('button', { name: 'Save step' }).click()
    await a.page
      .getByRole('button', { name: /^Move step \d+, Client says what was useful earlier$/ })
      .click()
    const add = a.page.getByRole('form', { name: 'Add a step' })
    await add.getByLabel('A new step, at the end').fill('A minute of silence')
    await add.getByRole('button', { name: 'Add step' }).click()
    const editorTitles = () =>
      a.page
        .getByTestId('step-editor')
        .evaluateAll((items) =>
          items.map((li) => (li.querySelector('input') as HTMLInputElement).value),
        )
    await expect
      .poll(editorTitles)
      .toEqual([
        'Our norms',
        'Actions from last time',
        'Check-in: one word each',
        'Client presents the challenge',
        'Consultants ask clarifying questions',
        'Client says what was useful',
        'Consultants talk it over, client turns away and listens',
        'What we learned',
        'Actions',
        'Closing round',
        'A minute of silence',
      ])
    expectNoViolations('formats', await seriousA11yViolations(a.page, axeSource))

    // Amara runs today's new circle with it; Bo's screen shows the same steps.
    await a.page.goto(podUrl)
    await a.page.getByRole('button', { name: /^Start (a circle now|today’s circle)$/ }).click()
    await a.page.getByRole('heading', { name: /^Circle of / }).waitFor()
    const circleUrl = a.page.url()
    const format = section(a.page, 'Format')
    await format.getByLabel('How this circle runs').selectOption({ label: 'Troika, our way' })
    await expect
      .poll(() => format.getByTestId('format-steps').textContent())
      .toContain('Check-in: one word each · 9 min')
    await b.page.goto(circleUrl)
    const formatB = section(b.page, 'Format')
    await expect
      .poll(() => formatB.getByTestId('format-steps').textContent(), { timeout: 60_000 })
      .toContain('Check-in: one word each · 9 min')
    expect(await formatB.getByLabel('How this circle runs').inputValue()).toBe(
      await format.getByLabel('How this circle runs').inputValue(),
    )
    // The templates are untouched.
    await openPractice(b.page, podUrl, 'Circle formats')
    await b.page.getByRole('link', { name: 'Troika, our way' }).waitFor()
    expect(
      await b.page.getByRole('listitem').filter({ hasText: 'Troika Consulting' }).textContent(),
    ).toContain('10 steps')
  })
})
