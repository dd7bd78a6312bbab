/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): annotations on the run and,
 * for findings in a template, on the pull-request diff. GitHub keeps at most 10 annotations of each
 * type per step and 50 per job and silently drops the rest, so this writes the most important ones
 * (input errors, then errors, warnings, notes; new findings before baselined ones) within those
 * limits and ends with a notice saying how many were left out. Suppressed and baselined findings
 * are not annotated: they do not fail the gate.
 */
import { escapeControl } from '../util/escape.js'
import type { Finding, ScanReport, Severity } from '../model/finding.js'
import { compareFindings } from '../model/fingerprint.js'
import type { ReportRule } from './report-rule.js'
import { findingLocation, subjectLabel } from './locations.js'
import { notEvaluatedLine } from './scope.js'

export interface GithubOptions {
  /** Per annotation type and step (GitHub: 10). */
  maxPerType?: number
  /** Per job (GitHub: 50); lower it when other steps annotate too. */
  maxTotal?: number
  /** Absolute repository root, to make absolute template paths relative. */
  sourceRoot?: string
}

type Command = 'error' | 'warning' | 'notice'
const COMMAND: Record<Severity, Command> = { error: 'error', warning: 'warning', note: 'notice' }

/** Escaping of `@actions/core`: message data; other control characters (ESC…) are shown escaped. */
export function escapeData(s: string): string {
  return escapeControl(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'))
}

/** Escaping of `@actions/core`: property values also escape `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(kind: Command, props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',')
  return `::${kind}${p ? ` ${p}` : ''}::${escapeData(message)}`
}

function findingCommand(f: Finding, opts: GithubOptions): string {
  const loc = findingLocation(f, opts.sourceRoot !== undefined ? { sourceRoot: opts.sourceRoot } : {})
  // Pseudo-paths are not files in the repository; `file=` on them would make GitHub drop the annotation's context.
  if (loc.isFile && !loc.uri.startsWith('file:')) {
    return command(COMMAND[f.severity], { file: decodeURIComponent(loc.uri), line: loc.startLine, col: loc.startColumn, title: f.ruleId }, f.message)
  }
  return command(COMMAND[f.severity], { title: `${f.ruleId}: ${subjectLabel(f.subject)}` }, f.message)
}

export function formatGithub(report: ScanReport, _rules: readonly ReportRule[], opts: GithubOptions = {}): string {
  const perType = opts.maxPerType ?? 10
  const total = opts.maxTotal ?? 50
  const gating = report.findings.filter((f) => !f.suppressed && f.baselineState !== 'unchanged').sort(compareFindings)
  const queues: Record<Command, string[]> = { error: [], warning: [], notice: [] }
  for (const e of report.errors) {
    queues.error.push(command('error', { title: `tagwarden input error: ${e.code}` }, `${e.message}${e.accountId ? ` (account ${e.accountId})` : ''}${e.hint ? `\nhint: ${e.hint}` : ''}`))
  }
  for (const f of gating) queues[COMMAND[f.severity]].push(findingCommand(f, opts))
  // Never a silent clean: one notice (first in its queue) says what was not evaluated.
  const notEvaluated = report.summary.notEvaluated ?? []
  if (notEvaluated.length > 0) {
    const first = notEvaluatedLine(notEvaluated[0]!)
    queues.notice.unshift(
      command(
        'notice',
        { title: 'tagwarden: not evaluated' },
        `${notEvaluated.length === 1 ? '1 item was' : `${notEvaluated.length} items were`} not evaluated, so the result does not cover ${notEvaluated.length === 1 ? 'it' : 'them'}: ${first}${notEvaluated.length > 1 ? ` (and ${notEvaluated.length - 1} more)` : ''}. The step summary and the JSON output (summary.notEvaluated) list them; --strict fails the gate on them.`,
      ),
    )
  }

  const available = queues.error.length + queues.warning.length + queues.notice.length
  const fitsAll = (['error', 'warning', 'notice'] as const).every((k) => queues[k].length <= perType) && available <= total
  // When something must go, one notice slot (and one of the job's) is kept for saying so.
  const caps: Record<Command, number> = { error: perType, warning: perType, notice: fitsAll ? perType : perType - 1 }
  let budget = fitsAll ? total : total - 1
  const out: string[] = []
  for (const k of ['error', 'warning', 'notice'] as const) {
    const take = Math.max(0, Math.min(queues[k].length, caps[k], budget))
    out.push(...queues[k].slice(0, take))
    budget -= take
  }
  if (!fitsAll) {
    const left = available - out.length
    out.push(
      command(
        'notice',
        { title: 'tagwarden: more findings' },
        `${left} of ${available} annotations were not written (GitHub shows at most ${perType} per type per step and ${total} per job). The step summary, SARIF and JSON outputs list every finding.`,
      ),
    )
  }
  return out.length > 0 ? `${out.join('\n')}\n` : ''
}
