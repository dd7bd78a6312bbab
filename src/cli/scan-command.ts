/** What `tagwarden scan` does once its flags are parsed: config → sources → pipeline → baseline → reporters → exit code. */
import { UsageError } from '../errors.js'
import { resolveNow } from './clock.js'
import { scanExitCode, type FailOn } from './exit.js'
import { planOutputs, terminalWidth, writeOutput, writeOutputChunks, writeSplitSarif } from './outputs.js'
import { noteLine, strictErrorLines, writeErrors } from './stderr.js'
import { scanProgress, type ScanProgress, type ScanProgressOptions } from './scan-progress.js'
import { escapeControl } from '../util/escape.js'
import type { ReportFormat } from '../report/formats.js'
import { applyBaseline } from '../baseline/apply.js'
import { readBaselineFile } from '../baseline/file.js'
import { readTrustedConfig } from './trusted-config.js'
import type { AwsCallStats, ScanReport } from '../model/finding.js'
import { loadRulesConfig, type RulesText } from '../config/load.js'
import type { ResolvedConfig } from '../config/types.js'
import { RULE_META } from '../rules/index.js'
import { runScan } from '../pipeline/scan.js'
import type { AccountSource } from '../sources/account-source.js'
import type { IacChangeCounts } from '../sources/iac.js'
import { snapshotSource } from '../sources/snapshot.js'
import { isLiveScan, liveOptionsFromFlags, type LiveFlagValues } from './live-options.js'
import { writeFileSync } from 'node:fs'
import { renderReport, type RenderOptions } from '../report/index.js'
import { reportRules } from '../report/report-rule.js'
import { renderSarifByAccount, type SarifOptions } from '../report/sarif.js'
import { suggest } from '../util/text.js'
import { costExplorerSettings, type CostExplorerFlagValues } from './spend-options.js'
import { costExplorerFileSource } from '../scanners/cost-explorer/files.js'
import type { SpendSource } from '../spend/source.js'
import type { CurSource } from '../scanners/cur/source.js'

/** The live-scan flags of `scan` (see live-options.ts), plus the shard aggregate output. */
export type LiveScanFlags = LiveFlagValues & { 'aggregate-output'?: string | undefined; 'allow-partial'?: boolean | undefined }

/** `--iac` and its companions (see iac-options.ts). */
export interface IacScanFlags {
  paths: string[]
  tfDir?: string | undefined
  changedOnly?: string | undefined
  basePath?: string | undefined
  /** `--var-file` (Terraform sources). */
  varFiles?: string[] | undefined
}

/** What is scanned and with which rules (shared by `scan` and `baseline create`). */
export interface ConfiguredScanInput {
  inputs: string[]
  /** `--cost-explorer`, `--since`, `--cache-dir`. */
  costExplorer?: CostExplorerFlagValues
  /** `--cur LOCATION`: CUR 2.0 export folder/file, s3:// prefix, or athena:// table. */
  cur?: string | undefined
  iac?: IacScanFlags
  /** Live flags; a live scan runs with --live/--org, or when no offline source is given. */
  live?: LiveScanFlags
  /** `--used-within 90d`. */
  usedWithin?: string | undefined
  /** `--jobs N`: worker threads for the snapshot accounts (1: in-thread; absent: automatic). */
  jobs?: string | number | undefined
  debug?: boolean | undefined
  verbose?: boolean | undefined
  rules?: string | undefined
  /** The rules file already read from a git ref (`--config-from-ref`); null: none there, the bundled rules alone. */
  rulesText?: RulesText | null
  /** `--no-inline-suppressions` (false): IaC inline suppressions are ignored, their findings reported. */
  inlineSuppressions?: boolean | undefined
  now?: string | undefined
  skipRules?: string[] | undefined
  failOnRules?: string[] | undefined
  /** Injectable for tests. */
  cwd?: string
  env?: NodeJS.ProcessEnv
  stderr?: (s: string) => void
  /** The progress line's terminal and clock (tests); stderr and the system clock otherwise. */
  progress?: ScanProgressOptions
}

/** `scan`: the scan plus its outputs and gate. */
export interface ScanCommandInput extends ConfiguredScanInput {
  format: ReportFormat
  output?: string | undefined
  /** `--<format>-output FILE`. */
  extraOutputs?: Partial<Record<ReportFormat, string | undefined>>
  failOn: FailOn
  /** `--strict`: any notEvaluated entry is exit 2. */
  strict?: boolean | undefined
  baseline?: string | undefined
  /** `--config-from-ref REF`: the rules file and the baseline are read from REF, not the working tree. */
  configFromRef?: string | undefined
  sarif?: { category?: string | undefined; includeSuppressed?: boolean | undefined; newOnly?: boolean | undefined; splitByAccount?: boolean | undefined }
  color?: boolean | undefined
  /** Produces the report instead of scanning (`merge` reuses the outputs and the gate this way). */
  obtain?: () => Promise<{ report: ScanReport; config: ResolvedConfig }>
  stdout?: (s: string) => void
}

/**
 * `--cur LOCATION` as a CUR source (`scan`, `spend` and `merge`): the location is validated at once, so a
 * typo fails before anything is read; the AWS SDK loads only when an s3:// or athena:// source is read.
 */
export async function curSourceFromFlag(
  cur: string | undefined,
  o: { env?: NodeJS.ProcessEnv | undefined; region?: string | undefined; profile?: string | undefined; stderr: (s: string) => void },
): Promise<CurSource | undefined> {
  if (cur === undefined) return undefined
  const { curSource, parseCurLocation } = await import('../scanners/cur/source.js')
  return curSource(parseCurLocation(cur), {
    aws: { ...(o.env ? { env: o.env } : {}), ...(o.region !== undefined ? { region: o.region } : {}), ...(o.profile !== undefined ? { profile: o.profile } : {}) },
    notice: (l) => o.stderr(`${l}\n`),
  })
}

/** `--jobs N`: a whole number of worker threads, 1–64. */
export function parseJobs(value: string): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
  if (!(n >= 1 && n <= 64)) throw new UsageError('invalid-jobs', `--jobs ${value}: expected a whole number of worker threads from 1 to 64`, 'e.g. --jobs 2 (--jobs 1 reads the accounts in the main thread)')
  return n
}

/** Turns `--skip-rule` into disabled instances; rejects unknown IDs in `--skip-rule`/`--fail-on-rule`. */
export function selectRules(config: ResolvedConfig, skip: readonly string[] = [], failOn: readonly string[] = []): ResolvedConfig {
  const ids = config.rules.map((r) => r.id)
  for (const [flag, list] of [['--skip-rule', skip], ['--fail-on-rule', failOn]] as const) {
    for (const id of list) {
      if (!ids.includes(id)) throw new UsageError('unknown-rule', `${flag} ${id}: no such rule${suggest(id, ids)}`, 'run `tagwarden rules list` for the rule IDs (custom rules from your rules file count too)')
    }
  }
  if (skip.length === 0) return config
  return { ...config, rules: config.rules.map((r) => (skip.includes(r.id) ? { ...r, enabled: false } : r)) }
}

/**
 * Loads the rules, applies --skip-rule, builds the sources and runs the pipeline (shared by `scan` and
 * `baseline create`). Offline inputs never trigger AWS calls unless --live/--org asks for them too;
 * with no offline input at all, the caller's AWS account is scanned live.
 */
export async function runConfiguredScan(i: ConfiguredScanInput): Promise<{ report: ScanReport; config: ResolvedConfig }> {
  const write = i.stderr ?? ((s: string) => void process.stderr.write(s))
  let progress: ScanProgress | undefined
  // Whatever is said on stderr during the scan erases the progress line first.
  const stderr = (s: string): void => {
    progress?.clear()
    write(s)
  }
  const live = i.live ?? {}
  const iacPaths = i.iac?.paths ?? []
  const offline = i.inputs.length > 0 || iacPaths.length > 0 || i.cur !== undefined
  if (iacPaths.length === 0 && (i.iac?.tfDir !== undefined || i.iac?.changedOnly !== undefined || (i.iac?.varFiles?.length ?? 0) > 0)) {
    throw new UsageError('flag-needs-iac', '--tf-dir, --var-file and --changed-only go with --iac PATH', 'e.g. `tagwarden scan --iac infra/ --changed-only origin/main`')
  }
  if (i.iac?.changedOnly !== undefined) {
    const { baseRefProblem } = await import('../scanners/iac/changed.js')
    const problem = baseRefProblem(i.iac.changedOnly, i.iac.basePath ?? i.cwd ?? process.cwd())
    if (problem) throw new UsageError('changed-only-ref', problem, 'pass a branch, tag or commit that exists in this checkout (in CI, fetch the base first: `git fetch origin main`)')
  }
  const jobs = i.jobs === undefined ? undefined : parseJobs(String(i.jobs))
  const wantLive = isLiveScan(live) || !offline
  // Validate every flag before reading anything.
  const liveOptions = wantLive ? liveOptionsFromFlags(live) : undefined
  if (!wantLive && (live.shard !== undefined || live['aggregate-output'] !== undefined)) {
    throw new UsageError('flag-needs-org', '--shard and --aggregate-output need a live --org scan', 'add --org (and --live to combine with --input)')
  }
  if (live.shard !== undefined && i.cur !== undefined) {
    // A shard alone cannot tell a deleted principal from one in another shard's account.
    throw new UsageError('cur-with-shard', '--cur cannot be combined with --shard: the ledger needs every shard', 'give --cur to `tagwarden merge` instead (it computes the ledger over the merged shards)')
  }
  if (live.shard !== undefined && i.costExplorer?.['cost-explorer']) {
    // A shard's report would carry no spend, and its aggregate has no room for it: said, not dropped.
    throw new UsageError('cost-explorer-with-shard', '--cost-explorer cannot be combined with --shard', 'check spend once for the organization: `tagwarden spend --cost-explorer` (or `merge --cur` with a CUR 2.0 export)')
  }
  if (live['aggregate-output'] !== undefined && live.shard === undefined) {
    throw new UsageError('aggregate-needs-shard', '--aggregate-output needs --shard K/N', 'e.g. --org --shard 1/4 --aggregate-output shard-1.json')
  }
  let usedWithinDays: number | undefined
  if (i.usedWithin !== undefined) {
    // Without Bedrock use evidence every principal is `unknown`, and the window would drop every finding.
    if (!liveOptions?.usage) throw new UsageError('used-within-needs-evidence', '--used-within needs evidence of Bedrock use', 'add --usage to a live scan (IAM Access Advisor)')
    if (liveOptions.shard) throw new UsageError('used-within-with-shard', '--used-within cannot be combined with --shard', 'apply the window when merging is not supported yet; scan without --shard')
    const { parseUsedWithin } = await import('../usage/window.js')
    usedWithinDays = parseUsedWithin(i.usedWithin)
  }
  const now = resolveNow(i.now, i.env ?? process.env)
  const cur = await curSourceFromFlag(i.cur, { env: i.env, region: live.region, profile: live.profile, stderr })
  // Before anything is read or paid for.
  const ce = costExplorerSettings(i.costExplorer ?? {}, now)
  const config = selectRules(
    loadRulesConfig({ builtins: RULE_META, ...(i.rules !== undefined ? { rulesPath: i.rules } : {}), ...(i.rulesText !== undefined ? { userText: i.rulesText } : {}) }),
    i.skipRules,
    i.failOnRules,
  )
  const sources: AccountSource[] = []
  if (i.inputs.length > 0) sources.push(snapshotSource(i.inputs))
  let changeCounts: (() => IacChangeCounts | undefined) | undefined
  let ignoredSuppressions: (() => number) | undefined
  if (iacPaths.length > 0) {
    const { iacSource } = await import('../sources/iac.js')
    const iac = iacSource(iacPaths, {
        // Keys whose value is only known at deploy time count as present: the source needs to know them.
        requiredTagKeys: config.settings.requiredTags.map((t) => t.key),
        basePath: i.iac?.basePath ?? i.cwd ?? process.cwd(),
        ...(i.iac?.tfDir !== undefined ? { tfDir: i.iac.tfDir } : {}),
        ...(i.iac?.changedOnly !== undefined ? { changedOnly: i.iac.changedOnly } : {}),
        ...(i.iac?.varFiles?.length ? { varFiles: i.iac.varFiles } : {}),
        // Terraform sources read TF_VAR_* variables, as `terraform plan` does.
        env: i.env ?? process.env,
        ...(i.inlineSuppressions === false ? { inlineSuppressions: false } : {}),
      })
    changeCounts = () => iac.changeCounts()
    ignoredSuppressions = () => iac.ignoredSuppressions()
    sources.push(iac)
  }
  let liveStats: (() => { calls: AwsCallStats }) | undefined
  if (liveOptions) {
    // The AWS SDK loads only now, when a live scan really runs.
    const { liveSource } = await import('../sources/live.js')
    const src = liveSource({
      ...liveOptions,
      onNotice: (m) => stderr(noteLine('note', m)),
      ...(i.debug ? { debug: (line: string) => stderr(`tagwarden: debug: ${line}\n`) } : {}),
    })
    sources.push(src)
    liveStats = () => src.stats()
  }
  // Spend: the Cost Explorer API with --cost-explorer (billable, opt-in), else saved `aws ce` outputs among the inputs.
  let spend: SpendSource | undefined
  if (ce.enabled) {
    const { costExplorerLiveSource } = await import('../scanners/cost-explorer/live.js')
    spend = costExplorerLiveSource({
      notice: (l) => stderr(`${l}\n`),
      ...(ce.since !== undefined ? { since: ce.since } : {}),
      ...(ce.cacheDir !== undefined ? { cacheDir: ce.cacheDir } : {}),
      ...(live.profile !== undefined ? { profile: live.profile } : {}),
      ...(live.region !== undefined ? { region: live.region } : {}),
      ...(live['max-attempts'] !== undefined ? { maxAttempts: live['max-attempts'] } : {}),
      ...(i.env ? { env: i.env } : {}),
      ...(i.debug ? { debug: (line: string) => stderr(`tagwarden: debug: ${line}\n`) } : {}),
    })
  } else if (i.inputs.length > 0) {
    spend = costExplorerFileSource()
  }
  // A live --org scan draws its own progress bar.
  if (!liveOptions?.org) progress = scanProgress({ ...i.progress, quiet: live.quiet, env: i.env ?? process.env, sources, iacOnly: i.inputs.length === 0 && !liveOptions, live: liveOptions !== undefined })
  const p = progress
  let report: ScanReport
  try {
    if (liveOptions?.shard) {
      const { runShardScan } = await import('../pipeline/shard-merge.js')
      const out = await runShardScan({ config, sources, now, shard: liveOptions.shard })
      report = out.report
      if (live['aggregate-output'] !== undefined) writeFileSync(live['aggregate-output'], `${JSON.stringify(out.aggregate)}\n`)
    } else {
      report = await runScan({
        config,
        sources,
        now,
        ...(p ? { onAccount: (id: string, ok: boolean) => p.onAccount(id, ok) } : {}),
        ...(spend ? { spend } : {}),
        ...(cur ? { cur: p ? { load: (ctx) => cur.load({ ...ctx, onProgress: (x) => p.onCur(x) }) } : cur } : {}),
        ...(usedWithinDays !== undefined ? { usedWithinDays } : {}),
        threads: { ...(jobs !== undefined ? { jobs } : {}), ...(i.debug ? { debug: (line: string) => stderr(`tagwarden: debug: ${line}\n`) } : {}) },
      })
    }
  } finally {
    progress?.stop()
  }
  const counts = changeCounts?.()
  if (counts && i.iac?.changedOnly !== undefined) {
    // Said in every output: "0 scanned" alone reads like a gate that looked at nothing.
    report.summary.notes.unshift(`--changed-only ${i.iac.changedOnly}: ${counts.found} template${counts.found === 1 ? '' : 's'} found, ${counts.changed} changed since the merge base; only the changed ones were scanned`)
    if (report.summary.inputs.iac) report.summary.inputs.iac.changed = counts.changed
  }
  if (ignoredSuppressions && i.inlineSuppressions === false) {
    const n = ignoredSuppressions()
    const note = `--no-inline-suppressions: inline suppressions were ignored (${n} found); the findings they would hide are reported`
    report.summary.notes.unshift(note)
    stderr(noteLine('note', note))
  }
  if (liveStats) {
    const stats = liveStats()
    report.summary.aws = { calls: stats.calls }
    if (i.verbose) {
      const { formatCallStats } = await import('../scanners/live/calls.js')
      stderr(formatCallStats(stats.calls))
    }
  }
  return { report, config }
}

export async function runScanCommand(i: ScanCommandInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  const env = i.env ?? process.env
  const cwd = i.cwd ?? process.cwd()
  const sarifFlagged = i.sarif?.category !== undefined || i.sarif?.splitByAccount || i.sarif?.includeSuppressed || i.sarif?.newOnly
  if (sarifFlagged && i.format !== 'sarif' && i.extraOutputs?.sarif === undefined) {
    throw new UsageError('sarif-flag-without-sarif', '--sarif-* flags need a SARIF output', 'add --sarif-output FILE or --format sarif')
  }
  if (i.sarif?.newOnly && i.baseline === undefined) {
    throw new UsageError('sarif-new-only-without-baseline', '--sarif-new-only needs --baseline FILE', 'without a baseline every finding is new')
  }
  const targets = planOutputs({ format: i.format, output: i.output, extra: i.extraOutputs ?? {}, sarifSplitByAccount: i.sarif?.splitByAccount ?? false, cwd, env })
  // The ref, the rules file and the baseline before scanning: a ref missing from a shallow checkout, or a
  // typo in a path, should not cost a full scan.
  const trusted = i.configFromRef !== undefined ? readTrustedConfig({ ref: i.configFromRef, cwd, rulesPath: i.rules, baselinePath: i.baseline }) : undefined
  for (const n of trusted?.notices ?? []) stderr(noteLine('note', n))
  const baseline = trusted ? trusted.baseline : i.baseline !== undefined ? { file: readBaselineFile(i.baseline), shown: i.baseline } : undefined

  const scanned = i.obtain ? await i.obtain() : await runConfiguredScan({ ...i, cwd, env, stderr, ...(trusted ? { rulesText: trusted.rules } : {}) })
  let report = scanned.report
  // Said in every output too: which configuration judged this pull request.
  if (trusted) report.summary.notes.unshift(...trusted.notices)
  const enabled = scanned.config.rules.filter((r) => r.enabled)
  if (baseline) report = applyBaseline(report, baseline.file, baseline.shown, { evaluatedRules: new Set(enabled.map((r) => r.id)) })
  const rules = reportRules(report, scanned.config.rules)

  const mainToStdout = targets[0]!.path === undefined
  const sarifOpts: SarifOptions = { sourceRoot: cwd }
  if (i.sarif?.category !== undefined) sarifOpts.category = i.sarif.category
  if (i.sarif?.includeSuppressed) sarifOpts.includeSuppressed = true
  if (i.sarif?.newOnly) sarifOpts.newOnly = true
  const render: RenderOptions = {
    sarif: sarifOpts,
    github: { sourceRoot: cwd },
  }
  for (const t of targets) {
    const color = t.format === 'text' && t.path === undefined && (i.color ?? (mainToStdout && process.stdout.isTTY === true && !env.NO_COLOR))
    if (t.splitDir) {
      const parts = renderSarifByAccount(report, rules, sarifOpts)
      for (const p of parts) for (const w of p.warnings) stderr(noteLine('warning', `${p.key}: ${w}`))
      const files = writeSplitSarif(t, parts)
      if (files.length > 20) stderr(`tagwarden: note: wrote ${files.length} SARIF files; GitHub accepts at most 20 runs per upload, so upload them in batches (see docs/github-action.md)\n`)
      continue
    }
    const out = renderReport(t.format, report, rules, { ...render, text: { color, verbose: i.verbose ?? false } })
    for (const w of out.warnings) stderr(noteLine('warning', w))
    // JSON and SARIF come in pieces: a large organization's report never exists as one string.
    if (out.chunks) writeOutputChunks(t, out.chunks, { stdout })
    else writeOutput(t, out.text, { stdout, width: terminalWidth() })
  }
  // Text on stdout lists the baseline's counts and fixed entries itself.
  const textOnStdout = targets.some((t) => t.format === 'text' && t.path === undefined)
  if (report.summary.baseline && !textOnStdout) stderr(baselineNote(report.summary.baseline))
  // Whatever --format and --output say, the CI log shows every input error.
  writeErrors(report.errors, stderr)
  // --strict fails on what was not evaluated: said on stderr too when stdout is not the text that lists it.
  const notEvaluated = report.summary.notEvaluated ?? []
  if (i.strict && notEvaluated.length > 0 && !textOnStdout) stderr(strictErrorLines(notEvaluated))
  return scanExitCode(report, { failOn: i.failOn, failOnRules: i.failOnRules ?? [], allowPartial: i.live?.['allow-partial'] ?? false, strict: i.strict ?? false })
}

function baselineNote(b: NonNullable<ScanReport['summary']['baseline']>): string {
  const lines = [`tagwarden: baseline ${b.file}: ${b.new} new, ${b.unchanged} unchanged, ${b.fixed.length} fixed`]
  if (b.fixed.length > 0) {
    for (const e of b.fixed.slice(0, 20)) lines.push(escapeControl(`  fixed: ${e.ruleId}  ${e.subject}`))
    if (b.fixed.length > 20) lines.push(`  … ${b.fixed.length - 20} more (see summary.baseline.fixed in the JSON output)`)
    lines.push('  shrink the baseline: `tagwarden baseline create --from results.json` (or rerun it with --input)')
  }
  return `${lines.join('\n')}\n`
}
