/**
 * `tagwarden scan --input DIR --format json --output OUT` as the CLI runs it (rules loading, the
 * two-phase pipeline, the JSON report), with the report written in chunks: the built CLI from dist/,
 * no loader, so start-up and RSS are what a user gets.
 *
 *   node bench/children/scan.mjs DIR OUT   →   one JSON line with timings, counts and peak RSS
 *   (and OUT.sample.json: the first findings, for the floor child)
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const dist = new URL('../../dist/', import.meta.url)
const { runConfiguredScan } = await import(new URL('cli/scan-command.js', dist).href)
const { jsonReportChunks, formatJson } = await import(new URL('report/json.js', dist).href)

const [dir, out] = process.argv.slice(2)
const loadedAt = performance.now()
const cpu0 = process.cpuUsage()
const { report } = await runConfiguredScan({ inputs: [dir], now: '2026-11-26T00:00:00Z', env: {}, stderr: () => {} })
const scannedAt = performance.now()
const fd = openSync(out, 'w')
let chars = 0
// Before src/report/json.ts had jsonReportChunks, the whole report was one string.
for (const chunk of jsonReportChunks ? jsonReportChunks(report) : [formatJson(report)]) {
  chars += chunk.length
  writeSync(fd, chunk)
}
closeSync(fd)
const writtenAt = performance.now()
const cpu = process.cpuUsage(cpu0)
const maxRss = process.resourceUsage().maxRSS
// Findings for the floor child to write a report of the same size from (after the clock stopped).
writeFileSync(`${out}.sample.json`, JSON.stringify(report.findings.slice(0, 256)))
const s = report.summary
process.stdout.write(
  `${JSON.stringify({
    // From the process start: node start-up and module loading included, as a CLI user waits for them.
    wallSeconds: writtenAt / 1000,
    moduleLoadSeconds: loadedAt / 1000,
    scanSeconds: (scannedAt - loadedAt) / 1000,
    writeSeconds: (writtenAt - scannedAt) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: maxRss / 1024,
    principals: s.principals.users + s.principals.roles,
    capable: s.bedrockCapable.total,
    findings: report.findings.length,
    errors: report.errors.length,
    accounts: s.accounts.scanned,
    reportChars: chars,
  })}\n`,
)
