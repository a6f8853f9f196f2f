// Prints the closing line of a test run from Vitest's JSON reports: "tests: N passed, N failed",
// followed by the lanes that could not run here, if any ("(not run here: lan, homes)", from
// TEND_LANES_SKIPPED), so a run without them never passes for a whole one unnoticed.
// A run whose reports are missing counts as failed, so a run that executed nothing cannot pass.
import { existsSync, readFileSync } from 'node:fs'

let passed = 0
let failed = 0
const files = process.argv.slice(2).filter((f) => existsSync(f))
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  // A test file that failed before running any test (an import error) counts as one failure;
  // in a file that failed in its set-up, every test it then skipped counts as failed (this
  // suite skips nothing on purpose).
  for (const file of report.testResults ?? []) {
    const results = file.assertionResults ?? []
    if (file.status === 'failed' && results.length === 0) failed += 1
    if (file.status === 'failed')
      failed += results.filter((r) => r.status !== 'passed' && r.status !== 'failed').length
  }
}
if (files.length === 0) failed += 1
const skipped = (process.env.TEND_LANES_SKIPPED ?? '').trim().split(/\s+/).filter(Boolean)
const notRun = skipped.length > 0 ? ` (not run here: ${skipped.join(', ')})` : ''
console.log(`tests: ${passed} passed, ${failed} failed${notRun}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
