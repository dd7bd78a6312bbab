/**
 * The physical floor of an offline scan: read every JSON file of a snapshot folder, decode it and
 * JSON.parse it, one file at a time and in the scanner's walk order, doing nothing with the result; then,
 * when given the scan's report size, JSON.stringify and write a report of that size (blocks of findings
 * taken from a sample of the scan's own), so a scan with a big report is not held against a floor
 * that writes nothing.
 *
 *   node bench/children/floor.mjs DIR [SAMPLE.json REPORT_CHARS OUT]
 *     →   one JSON line: { wallSeconds, readSeconds, writeSeconds, cpuSeconds, peakRssMiB, files, bytes }
 *
 * Plain JavaScript on purpose: no loader, so start-up and RSS are node's own.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'

async function* jsonFiles(dir) {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) yield* jsonFiles(path)
    else if (e.name.endsWith('.json')) yield path
  }
}

const [dir, samplePath, reportChars, out] = process.argv.slice(2)
// The sample is read before the clock starts: the floor writes a report, it does not build one.
const sample = samplePath ? JSON.parse(readFileSync(samplePath, 'utf8')) : undefined
const cpu0 = process.cpuUsage()
const t0 = performance.now()
let files = 0
let bytes = 0
for await (const file of jsonFiles(dir)) {
  const buf = await readFile(file)
  bytes += buf.length
  JSON.parse(buf.toString('utf8'))
  files++
}
const t1 = performance.now()
let written = 0
if (sample && sample.length > 0) {
  // A report's findings array: blocks of 64 findings, one JSON.stringify each, written as they come.
  const fd = openSync(out, 'w')
  const target = Number(reportChars)
  for (let i = 0; written < target; i += 64) {
    const block = []
    for (let j = 0; j < 64; j++) block.push(sample[(i + j) % sample.length])
    const text = JSON.stringify({ a: block }, null, 2)
    written += text.length
    writeSync(fd, text)
  }
  closeSync(fd)
}
const cpu = process.cpuUsage(cpu0)
process.stdout.write(
  `${JSON.stringify({
    // From the process start, like the scan child, so the two compare on the same basis.
    wallSeconds: performance.now() / 1000,
    readSeconds: (t1 - t0) / 1000,
    writeSeconds: (performance.now() - t1) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    files,
    bytes,
    reportChars: written,
  })}\n`,
)
