/** Reads a `scan --format json` result back (for `baseline create --from` and `diff`). */
import { UsageError } from '../errors.js'
import type { ScanReport } from '../model/finding.js'
import { readRegularTextSync } from '../util/read-file.js'

/** About the largest string V8 holds; a JSON result this large is refused, not read without end. */
const REPORT_MAX_BYTES = 512 * 1024 * 1024

function bad(path: string, what: string): UsageError {
  return new UsageError('report-invalid', `${path} is not a tagwarden JSON result: ${what}`, 'produce one with `tagwarden scan --format json --output results.json` (or --json-output results.json)')
}

/**
 * Checks the structure this code relies on rather than the full schema, so a result written by a
 * newer 1.x version (with fields this one does not know) is still accepted.
 */
export function parseReport(text: string, path: string): ScanReport {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw bad(path, `not JSON (${(e as Error).message})`)
  }
  const o = raw as Partial<ScanReport> | null
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(path, 'expected a JSON object')
  if (typeof o.schemaVersion !== 'string' || !/^1\./.test(o.schemaVersion)) {
    throw bad(path, `schemaVersion ${JSON.stringify(o.schemaVersion)} is not 1.x${'runs' in o ? ' (this looks like SARIF; use the JSON output)' : ''}`)
  }
  if (!Array.isArray(o.findings)) throw bad(path, '`findings` is not an array')
  for (const [i, f] of o.findings.entries()) {
    if (typeof f !== 'object' || f === null || typeof f.ruleId !== 'string' || typeof f.fingerprint !== 'string' || typeof f.subject !== 'object' || f.subject === null || typeof f.message !== 'string') {
      throw bad(path, `findings[${i}] lacks ruleId, fingerprint, subject or message`)
    }
  }
  if (typeof o.summary !== 'object' || o.summary === null) throw bad(path, '`summary` is missing')
  return { ...(o as ScanReport), errors: Array.isArray(o.errors) ? o.errors : [] }
}

export function readReportFile(path: string): ScanReport {
  let text: string
  try {
    text = readRegularTextSync(path, REPORT_MAX_BYTES)
  } catch (e) {
    throw new UsageError('report-unreadable', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give the path of a `tagwarden scan --format json` result')
  }
  return parseReport(text, path)
}
