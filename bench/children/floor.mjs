/**
 * The physical floor of an offline scan: read every JSON file of a snapshot folder, decode it and
 * JSON.parse it, one file at a time and in the scanner's walk order, doing nothing with the result.
 *
 *   node bench/children/floor.mjs DIR   →   one JSON line: { wallSeconds, cpuSeconds, peakRssMiB, files, bytes }
 *
 * Plain JavaScript on purpose: no loader, so start-up and RSS are node's own.
 */
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

const dir = process.argv[2]
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
const cpu = process.cpuUsage(cpu0)
process.stdout.write(
  `${JSON.stringify({
    // From the process start, like the scan child, so the two compare on the same basis.
    wallSeconds: performance.now() / 1000,
    readSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    files,
    bytes,
  })}\n`,
)
