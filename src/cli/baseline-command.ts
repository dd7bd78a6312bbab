/** What `tagwarden baseline create` and `tagwarden diff` do once their flags are parsed. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { runConfiguredScan } from './scan-command.js'
import { ExitCode, UsageError } from '../errors.js'
import type { ScanReport } from '../model/finding.js'
import { diffReports, formatDiffJson, formatDiffMarkdown, formatDiffText } from '../baseline/diff.js'
import { createBaseline, formatBaseline } from '../baseline/file.js'
import { readReportFile } from '../baseline/read-report.js'

export interface BaselineCreateInput {
  from?: string | undefined
  inputs: string[]
  output: string
  skipRules?: string[] | undefined
  rules?: string | undefined
  now?: string | undefined
  stdout?: (s: string) => void
  stderr?: (s: string) => void
}

function write(path: string | undefined, text: string, stdout: (s: string) => void): void {
  if (path === undefined || path === '-') {
    stdout(text)
    return
  }
  mkdirSync(dirname(resolve(path)), { recursive: true })
  writeFileSync(path, text)
}

export async function runBaselineCreate(i: BaselineCreateInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  if (i.from !== undefined && i.inputs.length > 0) throw new UsageError('baseline-from-and-input', '--from and --input cannot be combined', 'use --from results.json, or --input to scan')
  if (i.from === undefined && i.inputs.length === 0) {
    throw new UsageError('baseline-no-source', 'nothing to make a baseline from: give --from results.json or --input PATH', 'the JSON result of a previous scan (`--json-output results.json`) avoids rescanning')
  }
  let report: ScanReport
  let source: string
  if (i.from !== undefined) {
    report = readReportFile(i.from)
    source = i.from
  } else {
    report = (await runConfiguredScan({ inputs: i.inputs, rules: i.rules, now: i.now, skipRules: i.skipRules })).report
    source = 'scan'
  }
  const baseline = createBaseline(report, source)
  write(i.output, formatBaseline(baseline), stdout)
  const where = i.output === '-' ? 'stdout' : i.output
  stderr(`tagwarden: baseline with ${baseline.findings.length} finding(s) written to ${where}\n`)
  if (report.errors.length > 0) {
    stderr(`tagwarden: warning: the ${i.from !== undefined ? 'result' : 'scan'} is incomplete (${report.errors.length} input error(s)); findings from unread inputs are not in the baseline and will count as new\n`)
    return ExitCode.Incomplete
  }
  return ExitCode.Clean
}

export interface DiffInput {
  old: string
  new: string
  format: 'text' | 'markdown' | 'json'
  output?: string | undefined
  failOnNew?: boolean | undefined
  stdout?: (s: string) => void
}

export function runDiff(i: DiffInput): number {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const d = diffReports(readReportFile(i.old), readReportFile(i.new), { old: i.old, new: i.new })
  const text = i.format === 'json' ? formatDiffJson(d) : i.format === 'markdown' ? formatDiffMarkdown(d) : formatDiffText(d)
  write(i.output, text, stdout)
  return i.failOnNew && d.added.length > 0 ? ExitCode.Findings : ExitCode.Clean
}
