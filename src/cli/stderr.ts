/**
 * What the CLI says on stderr about a run's input errors. CI logs show stderr whatever `--format` and
 * `--output` say, so every input or configuration error appears there, one line each with its hint, with
 * control characters in the data shown escaped (no line can begin a workflow command).
 */
import type { NotEvaluatedEntry, ScanErrorEntry } from '../model/finding.js'
import { notEvaluatedLine } from '../report/scope.js'
import { escapeControl } from '../util/escape.js'

/** `tagwarden: error: message (source) [code] — hint: …` */
export function errorLine(e: ScanErrorEntry): string {
  const where = e.message.includes(e.source) ? '' : ` (${e.source}${e.accountId ? `, account ${e.accountId}` : ''})`
  return escapeControl(`tagwarden: error: ${e.message}${where} [${e.code}]${e.hint ? ` — hint: ${e.hint}` : ''}`)
}

export function writeErrors(errors: readonly ScanErrorEntry[], stderr: (s: string) => void): void {
  for (const e of errors) stderr(`${errorLine(e)}\n`)
}

/** A note or warning line; `text` may carry data. */
export function noteLine(kind: 'note' | 'warning', text: string): string {
  return `tagwarden: ${kind}: ${escapeControl(text)}\n`
}

/** Why `--strict` made the run exit 2: what was not evaluated, the first 20 entries (the rest are in every report). */
export function strictErrorLines(entries: readonly NotEvaluatedEntry[]): string {
  const lines = [`tagwarden: error: --strict: ${entries.length} ${entries.length === 1 ? 'thing' : 'things'} read but not evaluated [not-evaluated] — hint: scan what they name too, or drop --strict to list them without failing`]
  for (const e of entries.slice(0, 20)) lines.push(escapeControl(`  ${notEvaluatedLine(e)}`))
  if (entries.length > 20) lines.push(`  … ${entries.length - 20} more (see summary.notEvaluated in the JSON output)`)
  return `${lines.join('\n')}\n`
}
