/**
 * Offline analysis benchmark: a synthetic organization of N principals written as raw snapshot files,
 * then in separate processes (a) the physical floor — read and JSON.parse every file — and (b) the whole
 * `scan --input` with its JSON report. Reports wall time, principals per second, peak RSS and the ratio
 * to the floor; the data is removed after each size.
 */
import { statfs } from 'node:fs/promises'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runChild } from './child.js'
import { writeSyntheticSnapshot, type SyntheticOptions } from './synthetic-org.js'
import { humanCount, type BenchContext, type Measurement } from './types.js'

const FLOOR = fileURLToPath(new URL('./children/floor.mjs', import.meta.url))
const SCAN = fileURLToPath(new URL('./children/scan.mjs', import.meta.url))

/** Bytes per principal on disk: the snapshot (AWS CLI indentation) plus the JSON report, with room to spare. */
const BYTES_PER_PRINCIPAL = 1.6e3 + 0.7e3

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

export async function offlineBenchmark(ctx: BenchContext, sizes: readonly OfflineSize[], encodeDocuments = false): Promise<Measurement[]> {
  const rows: Measurement[] = []
  for (const size of sizes) {
    const principals = size.accounts * size.principalsPerAccount
    const label = `${humanCount(principals)} principals`
    const need = principals * BYTES_PER_PRINCIPAL
    const free = await freeBytes(ctx.tmpDir)
    if (free < need * 1.5) {
      ctx.log(`offline ${label}: skipped, ${(free / 1e9).toFixed(1)} GB free in ${ctx.tmpDir} and about ${((need * 1.5) / 1e9).toFixed(1)} GB needed`)
      rows.push({ benchmark: 'offline scan', size: label, wallSeconds: Number.NaN, notes: 'skipped: not enough free disk' })
      continue
    }
    const dir = join(ctx.tmpDir, `org-${principals}`)
    await mkdir(dir, { recursive: true })
    try {
      const opts: SyntheticOptions = { accounts: size.accounts, principals: size.principalsPerAccount, seed: 42, encodeDocuments }
      const genStart = performance.now()
      const written = await writeSyntheticSnapshot(dir, opts)
      ctx.log(`offline ${label}: generated ${written.files} files, ${(written.bytes / 1e6).toFixed(0)} MB in ${((performance.now() - genStart) / 1000).toFixed(1)} s`)

      const floor = await bestOf(size.repeat, async () => (await runChild<FloorReport>(FLOOR, [dir])).report)
      ctx.log(`offline ${label}: floor ${floor.wallSeconds.toFixed(2)} s`)
      const out = join(ctx.tmpDir, `report-${principals}.json`)
      const scan = await bestOf(size.repeat, async () => (await runChild<ScanReport>(SCAN, [dir, out])).report)
      await rm(out, { force: true })
      ctx.log(`offline ${label}: scan ${scan.wallSeconds.toFixed(2)} s, ${scan.findings} findings, peak RSS ${scan.peakRssMiB.toFixed(0)} MiB`)
      if (scan.principals !== written.principals) ctx.log(`offline ${label}: WARNING the scan read ${scan.principals} principals of ${written.principals}`)

      const per = (s: number): number => Math.round((s / principals) * 1e6 * 100) / 100
      rows.push({
        benchmark: 'read+parse floor',
        size: label,
        wallSeconds: floor.wallSeconds,
        cpuSeconds: floor.cpuSeconds,
        throughput: { value: Math.round(principals / floor.wallSeconds), unit: 'principals/s' },
        peakRssMiB: floor.peakRssMiB,
        details: { files: floor.files, megabytes: Math.round(floor.bytes / 1e6), microsecondsPerPrincipal: per(floor.wallSeconds) },
      })
      rows.push({
        benchmark: 'offline scan',
        size: label,
        wallSeconds: scan.wallSeconds,
        cpuSeconds: scan.cpuSeconds,
        throughput: { value: Math.round(principals / scan.wallSeconds), unit: 'principals/s' },
        peakRssMiB: scan.peakRssMiB,
        ratio: { value: Math.round((scan.wallSeconds / floor.wallSeconds) * 10) / 10, of: 'read+parse floor' },
        notes: `${size.accounts} accounts${encodeDocuments ? ', URL-encoded documents' : ''}; ${scan.capable} Bedrock-capable, ${scan.findings} findings`,
        details: {
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
