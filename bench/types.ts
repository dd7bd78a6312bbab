/**
 * What every benchmark of `npm run bench` returns: rows of one table (printed, and appended as JSON to
 * bench/results/results.jsonl). A benchmark module exports an async function `(ctx: BenchContext) =>
 * Promise<Measurement[]>`; bench/run.ts runs them in turn.
 */

export interface Measurement {
  /** Which benchmark: `offline scan`, `read+parse floor`, `live fan-out`, `CUR`… */
  benchmark: string
  /** The input size in words: `100k principals`, `200 accounts × 50 principals`, `1M CUR rows`. */
  size: string
  wallSeconds: number
  /** User + system CPU of the measured process (GC threads included, so it can exceed wall time). */
  cpuSeconds?: number
  /** Work per wall-clock second, e.g. `{ value: 51234, unit: 'principals/s' }`. */
  throughput?: { value: number; unit: string }
  /** Peak resident set size of the measured process (`process.resourceUsage().maxRSS`). */
  peakRssMiB?: number
  /** A comparison the target is stated in, e.g. `{ value: 2.7, of: 'read+parse floor' }`. */
  ratio?: { value: number; of: string }
  notes?: string
  /** Anything else worth keeping in the JSON results (counts, calls per operation…). */
  details?: Record<string, unknown>
}

export interface BenchContext {
  /** A fresh temporary folder for generated data; removed after the run. */
  tmpDir: string
  /** `--large`: include the sizes that take minutes or gigabytes (1M principals…). */
  large: boolean
  /** Progress lines (stderr). */
  log: (line: string) => void
}

export type MeasuredBenchmark = (ctx: BenchContext) => Promise<Measurement[]>

export const MIB = 1024 * 1024

/** `process.resourceUsage().maxRSS` is in KiB. */
export function maxRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024
}

export function cpuSeconds(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since)
  return (u.user + u.system) / 1e6
}

/** `12.3k`, `1.2M`: sizes as people say them. */
export function humanCount(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1)}M`
  if (n >= 1e3) return `${+(n / 1e3).toFixed(n % 1e3 === 0 ? 0 : 1)}k`
  return String(n)
}
