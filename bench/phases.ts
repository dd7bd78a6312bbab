/**
 * The offline scan in phases, in this process: where the time and the memory of `scan --input` go.
 *
 *   node --expose-gc --import tsx bench/phases.ts DIR [--json-output FILE]
 *
 * Prints wall and CPU time per phase and the heap after each; with --expose-gc the heap is measured after
 * a full GC, so it is the live size (what phase one keeps, what phase two adds).
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { finishScan, runPhaseOne } from '../src/pipeline/scan.js'
import { snapshotSource } from '../src/sources/snapshot.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../src/config/load.js'
import { RULE_META } from '../src/rules/index.js'
import { jsonReportChunks } from '../src/report/json.js'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'json-output': { type: 'string' } } })
const config = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
const gc = (globalThis as { gc?: () => void }).gc
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`
const cpu = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
let last = performance.now()
let lastCpu = cpu()
const mark = (label: string): void => {
  const now = performance.now()
  const c = cpu()
  gc?.()
  const m = process.memoryUsage()
  process.stdout.write(
    `${label.padEnd(14)} ${((now - last) / 1000).toFixed(2).padStart(6)} s wall ${(c - lastCpu).toFixed(2).padStart(6)} s cpu  heap ${mb(m.heapUsed).padStart(7)}  rss ${mb(m.rss).padStart(7)}\n`,
  )
  last = performance.now()
  lastCpu = cpu()
}
const p1 = await runPhaseOne({ config, sources: [snapshotSource(positionals)] })
mark('phase one')
process.stdout.write(`  facts kept: ${p1.facts.length} of ${p1.counts.users + p1.counts.roles} principals\n`)
const report = finishScan(p1, config, new Date('2026-11-26T00:00:00Z'))
mark('phase two')
const fd = values['json-output'] ? openSync(values['json-output'], 'w') : undefined
let chars = 0
for (const chunk of jsonReportChunks(report)) {
  chars += chunk.length
  if (fd !== undefined) writeSync(fd, chunk)
}
if (fd !== undefined) closeSync(fd)
mark('json report')
process.stdout.write(`  findings: ${report.findings.length}, json ${mb(chars)}, maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}\n`)
