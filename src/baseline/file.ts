/**
 * The baseline file: the fingerprints of findings accepted for now, so a gate fails only on new
 * ones. Each entry also names its rule and subject for the humans who review the file; matching
 * uses the fingerprint alone (rule + subject identity + tag key, no line numbers), so reordering
 * inputs or rescanning does not invalidate it. Entries are sorted for small, stable diffs.
 */
import { statSync } from 'node:fs'
import { UsageError } from '../errors.js'
import type { ScanReport } from '../model/finding.js'
import { subjectLabel } from '../report/locations.js'
import { readRegularTextSync } from '../util/read-file.js'

export const BASELINE_VERSION = 1
/** A baseline larger than this is refused (about a million findings). */
export const BASELINE_MAX_BYTES = 256 * 1024 * 1024
export const DEFAULT_BASELINE_PATH = '.tagwarden-baseline.json'

export interface BaselineEntry {
  fingerprint: string
  ruleId: string
  /** Human label: the ARN, template position, tag key or account. */
  subject: string
  accountId?: string
  tagKey?: string
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION
  tool: 'tagwarden'
  /** When the findings were produced (the report's `generatedAt`). */
  createdAt: string
  /** What it was made from: `scan` or the JSON result file. */
  source: string
  findings: BaselineEntry[]
}

/** A baseline of every active (not suppressed) finding: excepted findings are handled by their exception. */
export function createBaseline(report: Pick<ScanReport, 'findings' | 'generatedAt'>, source: string): BaselineFile {
  const seen = new Set<string>()
  const findings: BaselineEntry[] = []
  for (const f of report.findings) {
    if (f.suppressed || seen.has(f.fingerprint)) continue
    seen.add(f.fingerprint)
    const e: BaselineEntry = { fingerprint: f.fingerprint, ruleId: f.ruleId, subject: subjectLabel(f.subject) }
    if (f.subject.accountId) e.accountId = f.subject.accountId
    if (f.subject.tagKey !== undefined) e.tagKey = f.subject.tagKey
    findings.push(e)
  }
  findings.sort((a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.subject, b.subject) || cmp(a.tagKey ?? '', b.tagKey ?? '') || cmp(a.fingerprint, b.fingerprint))
  return { version: BASELINE_VERSION, tool: 'tagwarden', createdAt: report.generatedAt, source, findings }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function formatBaseline(b: BaselineFile): string {
  return `${JSON.stringify(b, null, 2)}\n`
}

function bad(path: string, what: string): UsageError {
  return new UsageError('baseline-invalid', `${path} is not a tagwarden baseline: ${what}`, 'create one with `tagwarden baseline create --from results.json` (or from a scan with --input)')
}

export function parseBaseline(text: string, path: string): BaselineFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw bad(path, `not JSON (${(e as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(path, 'expected a JSON object')
  const o = raw as Record<string, unknown>
  if (o.tool !== 'tagwarden') throw bad(path, '`tool` is not "tagwarden"')
  if (o.version !== BASELINE_VERSION) {
    throw new UsageError('baseline-version', `${path}: baseline version ${JSON.stringify(o.version)} is not supported (this tagwarden reads version ${BASELINE_VERSION})`, 'recreate it with `tagwarden baseline create`')
  }
  if (!Array.isArray(o.findings)) throw bad(path, '`findings` is not an array')
  const findings: BaselineEntry[] = []
  for (const [i, e] of o.findings.entries()) {
    const x = e as Record<string, unknown>
    if (typeof x !== 'object' || x === null || typeof x.fingerprint !== 'string' || !/^[0-9a-f]{32}$/.test(x.fingerprint) || typeof x.ruleId !== 'string') {
      throw bad(path, `findings[${i}] needs a 32-hex \`fingerprint\` and a \`ruleId\``)
    }
    const entry: BaselineEntry = { fingerprint: x.fingerprint, ruleId: x.ruleId, subject: typeof x.subject === 'string' ? x.subject : '' }
    if (typeof x.accountId === 'string') entry.accountId = x.accountId
    if (typeof x.tagKey === 'string') entry.tagKey = x.tagKey
    findings.push(entry)
  }
  return {
    version: BASELINE_VERSION,
    tool: 'tagwarden',
    createdAt: typeof o.createdAt === 'string' ? o.createdAt : '',
    source: typeof o.source === 'string' ? o.source : '',
    findings,
  }
}

export function readBaselineFile(path: string): BaselineFile {
  let text: string
  try {
    if (statSync(path).isDirectory()) throw bad(path, 'it is a directory')
    text = readRegularTextSync(path, BASELINE_MAX_BYTES)
  } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError('baseline-unreadable', `cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'create it first with `tagwarden baseline create`')
  }
  return parseBaseline(text, path)
}
