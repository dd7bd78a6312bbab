/**
 * Offline analysis benchmark: a synthetic organization of N principals (a profile: the default mix, or
 * finding-heavy) written as raw snapshot files, then in separate processes (a) the whole `scan --input`
 * with its JSON report and (b) the physical floor — read and JSON.parse every file, then JSON.stringify
 * and write a report of the scan's size. Reports wall time, principals per second, peak RSS and the
 * ratio to the floor; the data is removed after each size.
 */
import { statfs } from 'node:fs/promises'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runChild } from './child.js'
import { writeSyntheticSnapshot, type SyntheticOptions, type SyntheticProfile } from './synthetic-org.js'
import { humanCount, type BenchContext, type Measurement } from './types.js'

const FLOOR = fileURLToPath(new URL('./children/floor.mjs', import.meta.url))
const SCAN = fileURLToPath(new URL('./children/scan.mjs', import.meta.url))

/** Bytes per principal on disk: the snapshot (AWS CLI indentation) plus the scan's and the floor's JSON report. */
const BYTES_PER_PRINCIPAL: Record<SyntheticProfile, number> = { default: 1.6e3 + 2 * 0.4e3, 'finding-heavy': 1.6e3 + 2 * 2.4e3 }

export interface OfflineSize {
  accounts: number
  principalsPerAccount: number
  /** Best of this many runs of each measured step (the machine may be busy). */
  repeat: number
}

export const DEFAULT_SIZES: OfflineSize[] = [
  { accounts: 10, principalsPerAccount: 1000, repeat: 3 },
  { accounts: 100, principalsPerAccount: 1000, repeat: 2 },
]
export const LARGE_SIZE: OfflineSize = { accounts: 1000, principalsPerAccount: 1000, repeat: 1 }

interface FloorReport {
  wallSeconds: number
  readSeconds: number
  writeSeconds: number
  cpuSeconds: number
  peakRssMiB: number
  files: number
  bytes: number
}

interface ScanReport {
  wallSeconds: number
  moduleLoadSeconds: number
  scanSeconds: number
  writeSeconds: number
  cpuSeconds: number
  peakRssMiB: number
  principals: number
  capable: number
  findings: number
  errors: number
  accounts: number
  reportChars: number
}

async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir)
  return s.bavail * s.bsize
}

async function bestOf<T extends { wallSeconds: number }>(n: number, run: () => Promise<T>): Promise<T> {
  let best: T | undefined
  for (let i = 0; i < n; i++) {
    const r = await run()
    if (!best || r.wallSeconds < best.wallSeconds) best = r
  }
  return best as T
}

export async function offlineBenchmark(ctx: BenchContext, sizes: readonly OfflineSize[], encodeDocuments = false, profile: SyntheticProfile = 'default'): Promise<Measurement[]> {
  const rows: Measurement[] = []
  for (const size of sizes) {
    const principals = size.accounts * size.principalsPerAccount
    const label = `${humanCount(principals)} principals${profile === 'default' ? '' : `, ${profile}`}`
    const need = principals * BYTES_PER_PRINCIPAL[profile]
    const free = await freeBytes(ctx.tmpDir)
    if (free < need * 1.5) {
      ctx.log(`offline ${label}: skipped, ${(free / 1e9).toFixed(1)} GB free in ${ctx.tmpDir} and about ${((need * 1.5) / 1e9).toFixed(1)} GB needed`)
      rows.push({ benchmark: 'offline scan', size: label, wallSeconds: Number.NaN, notes: 'skipped: not enough free disk' })
      continue
    }
    const dir = join(ctx.tmpDir, `org-${profile}-${principals}`)
    await mkdir(dir, { recursive: true })
    try {
      const opts: SyntheticOptions = { accounts: size.accounts, principals: size.principalsPerAccount, seed: 42, encodeDocuments, profile }
      const genStart = performance.now()
      const written = await writeSyntheticSnapshot(dir, opts)
      ctx.log(`offline ${label}: generated ${written.files} files, ${(written.bytes / 1e6).toFixed(0)} MB in ${((performance.now() - genStart) / 1000).toFixed(1)} s`)

      const out = join(ctx.tmpDir, `report-${principals}.json`)
      const scan = await bestOf(size.repeat, async () => (await runChild<ScanReport>(SCAN, [dir, out])).report)
      await rm(out, { force: true })
      ctx.log(`offline ${label}: scan ${scan.wallSeconds.toFixed(2)} s, ${scan.findings} findings, peak RSS ${scan.peakRssMiB.toFixed(0)} MiB`)
      // The floor reads and parses the input, and writes a report as large as the scan's.
      const floorOut = join(ctx.tmpDir, `floor-${principals}.json`)
      const floor = await bestOf(size.repeat, async () => (await runChild<FloorReport>(FLOOR, [dir, `${out}.sample.json`, String(scan.reportChars), floorOut])).report)
      await rm(floorOut, { force: true })
      await rm(`${out}.sample.json`, { force: true })
      ctx.log(`offline ${label}: floor ${floor.wallSeconds.toFixed(2)} s (read+parse ${floor.readSeconds.toFixed(2)} s, stringify+write ${floor.writeSeconds.toFixed(2)} s)`)
      if (scan.principals !== written.principals) ctx.log(`offline ${label}: WARNING the scan read ${scan.principals} principals of ${written.principals}`)

      const per = (s: number): number => Math.round((s / principals) * 1e6 * 100) / 100
      rows.push({
        benchmark: 'floor',
        size: label,
        wallSeconds: floor.wallSeconds,
        cpuSeconds: floor.cpuSeconds,
        throughput: { value: Math.round(principals / floor.wallSeconds), unit: 'principals/s' },
        peakRssMiB: floor.peakRssMiB,
        details: {
          profile,
          files: floor.files,
          megabytes: Math.round(floor.bytes / 1e6),
          readSeconds: floor.readSeconds,
          writeSeconds: floor.writeSeconds,
          microsecondsPerPrincipal: per(floor.wallSeconds),
        },
      })
      rows.push({
        benchmark: 'offline scan',
        size: label,
        wallSeconds: scan.wallSeconds,
        cpuSeconds: scan.cpuSeconds,
        throughput: { value: Math.round(principals / scan.wallSeconds), unit: 'principals/s' },
        peakRssMiB: scan.peakRssMiB,
        ratio: { value: Math.round((scan.wallSeconds / floor.wallSeconds) * 10) / 10, of: 'floor' },
        notes: `${size.accounts} accounts${encodeDocuments ? ', URL-encoded documents' : ''}; ${scan.capable} Bedrock-capable, ${scan.findings} findings`,
        details: {
          profile,
          accounts: size.accounts,
          encodedDocuments: encodeDocuments,
          moduleLoadSeconds: scan.moduleLoadSeconds,
          scanSeconds: scan.scanSeconds,
          writeSeconds: scan.writeSeconds,
          microsecondsPerPrincipal: per(scan.wallSeconds),
          capable: scan.capable,
          findings: scan.findings,
          errors: scan.errors,
          reportMegabytes: Math.round(scan.reportChars / 1e6),
        },
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  return rows
}
