/**
 * What `tagwarden spend` does once its flags are parsed: rules file → required keys → Cost Explorer
 * data (saved `aws ce` JSON from --input, or the API with --cost-explorer) → spend report (text, JSON,
 * Markdown, CSV, HTML) → exit code (0, or 2 when Cost Explorer failed or an input was unreadable, unless
 * --allow-partial).
 */
import { UsageError, ExitCode } from '../errors.js'
import type { ScanErrorEntry } from '../model/finding.js'
import { loadRulesConfig } from '../config/load.js'
import { RULE_META } from '../rules/index.js'
import { costTagInactive } from '../rules/spend/cost-tag-inactive.js'
import { untaggedBedrockSpend } from '../rules/spend/untagged-bedrock-spend.js'
import type { RuleMeta } from '../rules/types.js'
import { loadCostExplorerFiles } from '../scanners/cost-explorer/files.js'
import type { CostExplorerLiveOptions } from '../scanners/cost-explorer/live.js'
import { COST_EXPLORER_RECOGNISERS, isCostExplorerKind } from '../scanners/cost-explorer/recognisers.js'
import { DEFAULT_RECOGNISERS, planSnapshot } from '../scanners/snapshot/index.js'
import { spendTagKeys } from '../spend/coverage.js'
import type { SpendLoadResult } from '../spend/source.js'
import { buildSpendReport } from '../report/spend-model.js'
import { formatSpendJson } from '../report/spend-json.js'
import { renderSpendMarkdown } from '../report/spend-markdown.js'
import { formatSpendHtml } from '../report/spend-html.js'
import { formatSpendText } from '../report/spend-text.js'
import { resolveNow } from './clock.js'
import { planOutputs, terminalWidth, writeOutput } from './outputs.js'
import { writeErrors } from './stderr.js'
import type { ScanProgressOptions } from './scan-progress.js'
import { costExplorerSettings, type SpendFormat } from './spend-options.js'

/** The built-in rules plus the spend rules, whether or not the registry lists them yet. */
export function metasWithSpendRules(metas: ReadonlyMap<string, RuleMeta> = RULE_META): ReadonlyMap<string, RuleMeta> {
  return new Map([...metas, [costTagInactive.meta.id, costTagInactive.meta], [untaggedBedrockSpend.meta.id, untaggedBedrockSpend.meta]])
}

export interface SpendCommandInput {
  inputs: string[]
  costExplorer?: boolean | undefined
  since?: string | undefined
  cacheDir?: string | undefined
  format: SpendFormat
  output?: string | undefined
  /** `--html-output FILE`: the HTML report besides the main output. */
  htmlOutput?: string | undefined
  rules?: string | undefined
  now?: string | undefined
  color?: boolean | undefined
  allowPartial?: boolean | undefined
  /** `--cur LOCATION`: the ledger (with IAM snapshots in --input, its causes). */
  cur?: string | undefined
  profile?: string | undefined
  region?: string | undefined
  /** `--quiet`: no progress line while the CUR is read. */
  quiet?: boolean | undefined
  /** The progress line's terminal and clock (tests). */
  progress?: ScanProgressOptions
  /** Injectable for tests. */
  cwd?: string
  env?: NodeJS.ProcessEnv
  stdout?: (s: string) => void
  stderr?: (s: string) => void
  /** Tests: endpoint, credentials or a ready client for the Cost Explorer API. */
  live?: Partial<CostExplorerLiveOptions>
}

export async function runSpendCommand(i: SpendCommandInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  const env = i.env ?? process.env
  const cwd = i.cwd ?? process.cwd()
  const now = resolveNow(i.now, env)
  const ce = costExplorerSettings({ 'cost-explorer': i.costExplorer, since: i.since, 'cache-dir': i.cacheDir }, now)
  if (!ce.enabled && i.inputs.length === 0 && i.cur === undefined) {
    throw new UsageError('no-input', 'nothing to report: give --input with saved `aws ce` outputs, or --cost-explorer', 'e.g. `tagwarden spend --input examples/demo-org`; docs/cost-explorer.md lists the `aws ce` commands')
  }
  if (ce.enabled && i.inputs.length > 0) {
    throw new UsageError('input-and-cost-explorer', 'give either --input (saved `aws ce` outputs) or --cost-explorer (the API), not both', 'the API answers for today; saved outputs for the day they were saved')
  }
  const targets = planOutputs({ format: i.format === 'csv' ? 'text' : i.format, output: i.output, extra: { html: i.htmlOutput }, cwd, env })
  const config = loadRulesConfig({ builtins: metasWithSpendRules(), cwd, ...(i.rules !== undefined ? { rulesPath: i.rules } : {}) })
  const tagKeys = spendTagKeys(config)

  let load: SpendLoadResult
  const inputErrors: ScanErrorEntry[] = []
  if (ce.enabled) {
    const { costExplorerLiveSource } = await import('../scanners/cost-explorer/live.js')
    const source = costExplorerLiveSource({
      env,
      notice: (l) => stderr(`${l}\n`),
      ...(ce.since !== undefined ? { since: ce.since } : {}),
      ...(ce.cacheDir !== undefined ? { cacheDir: ce.cacheDir } : {}),
      ...(i.profile !== undefined ? { profile: i.profile } : {}),
      ...(i.region !== undefined ? { region: i.region } : {}),
      ...i.live,
    })
    load = await source.load({ tagKeys, now, otherFiles: [] })
  } else {
    const plan = await planSnapshot(i.inputs, { recognisers: [...DEFAULT_RECOGNISERS, ...COST_EXPLORER_RECOGNISERS] })
    inputErrors.push(...plan.errors)
    if (!plan.otherFiles.some((f) => isCostExplorerKind(f.kind)) && plan.errors.length === 0 && i.cur === undefined) {
      throw new UsageError('no-cost-explorer-input', `no Cost Explorer output in ${i.inputs.join(', ')}`, 'save `aws ce list-cost-allocation-tags`, `get-dimension-values` and `get-cost-and-usage` outputs there (docs/cost-explorer.md), or use --cost-explorer')
    }
    load = await loadCostExplorerFiles(plan.otherFiles, { tagKeys })
  }
  const all: SpendLoadResult = { ...load, errors: [...inputErrors, ...load.errors] }
  const report = buildSpendReport(all, config, now)
  let csv: string | undefined
  if (i.cur !== undefined) {
    // The scan pipeline makes the ledger: IAM snapshots among the inputs give the causes.
    const { runConfiguredScan } = await import('./scan-command.js')
    const { ledgerDetailOf } = await import('../pipeline/scan.js')
    const { ledgerCsv } = await import('../spend/ledger.js')
    const scan = await runConfiguredScan({ inputs: i.inputs, cur: i.cur, ...(i.rules !== undefined ? { rules: i.rules } : {}), ...(i.now !== undefined ? { now: i.now } : {}), live: { ...(i.quiet ? { quiet: true } : {}), ...(i.profile !== undefined ? { profile: i.profile } : {}), ...(i.region !== undefined ? { region: i.region } : {}) }, ...(i.progress ? { progress: i.progress } : {}), cwd, env, stderr })
    const seen = new Set(report.errors.map((x) => x.message))
    report.errors.push(...scan.report.errors.filter((x) => !seen.has(x.message)))
    if (scan.report.ledger) {
      report.ledger = scan.report.ledger
      if (scan.report.summary.accounts.scanned === 0) report.ledger.notes.push('no IAM snapshot was given (--input): every dollar the bill alone does not explain counts as account-not-scanned')
      const detail = ledgerDetailOf(scan.report)
      if (detail) csv = ledgerCsv(detail)
    } else report.ledgerReason = scan.report.summary.spend?.ledgerReason ?? 'the CUR gave no per-principal spend'
  }
  if (i.format === 'csv' && csv === undefined) {
    throw new UsageError('csv-needs-cur', '--format csv needs the ledger: give --cur', 'e.g. `tagwarden spend --input examples/demo-org --cur examples/demo-org/cur/parquet --format csv`')
  }
  for (const t of targets) {
    const color = t.format === 'text' && t.path === undefined && (i.color ?? (process.stdout.isTTY === true && !env.NO_COLOR))
    const text =
      i.format === 'csv' && t.format === 'text'
        ? csv!
        : t.format === 'json'
          ? formatSpendJson(report)
          : t.format === 'markdown'
            ? renderSpendMarkdown(report)
            : t.format === 'html'
              ? formatSpendHtml(report)
              : formatSpendText(report, { color })
    writeOutput(t, text, { stdout, width: terminalWidth() })
  }
  if (report.errors.length > 0) {
    writeErrors(report.errors, stderr)
    return i.allowPartial ? ExitCode.Clean : ExitCode.Incomplete
  }
  return ExitCode.Clean
}
