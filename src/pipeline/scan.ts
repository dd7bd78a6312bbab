/**
 * The scan pipeline: scanners → inventory → analysis → rules → findings. Accounts stream through
 * phase one one at a time (read, analyse, keep compact facts, drop the raw data); phase two resolves
 * trust and cross-account references on the org index and runs the rules.
 */
import type { CurLoadResult } from '../scanners/cur/load.js'
import { buildPrincipalSpendContext } from '../spend/principal-context.js'
import { curUsageEvidence, finishPrincipalSpend, principalSpendConfig, withoutPrincipalSpendRules } from '../spend/principal-phase.js'
import { curToSpendData, mergeCurIntoSpend } from '../spend/cur-spend-data.js'
import { finishLedger, type LedgerEvaluation } from '../spend/ledger.js'
import type { Ledger } from '../model/ledger.js'
import { analyzeAccount, type AccountAnalysis } from '../analysis/analyze-account.js'
import type { PrincipalFacts } from '../analysis/facts.js'
import { addAccountIndex, emptyIndex, type OrgIndex } from '../analysis/org-index.js'
import { resolvePrincipalPaths } from '../analysis/org-phase.js'
import { analyseIdentityCenter } from '../analysis/identity-center.js'
import { serviceOfAction } from '../iam/actions.js'
import { PolicyEvalCache, unresolvedInferenceActions } from '../iam/capability.js'
import { sarTableInfo } from '../iam/resource-types.js'
import { REPORT_SCHEMA_VERSION, type IacInputCounts, type NotEvaluatedEntry, type ScanErrorEntry, type ScanReport } from '../model/finding.js'
import type { ResolvedConfig } from '../config/types.js'
import { runRules } from '../rules/engine.js'
import { applyExceptions } from '../rules/exceptions.js'
import { RULE_META, RULE_REGISTRY } from '../rules/index.js'
import { buildSummary } from './summary.js'
import { applyIacFixHints } from './iac-fixes.js'
import { toolVersion } from '../version.js'
import { annotateUsage, filterUsedWithin, usageByPrincipal } from '../usage/window.js'
import { spendCoverage, spendTagKeys } from '../spend/coverage.js'
import type { SpendLoadResult, SpendSource } from '../spend/source.js'
import type { AccountSource, SnapshotAccountJob } from '../sources/account-source.js'
import { phaseOneWorkerCount, startPhaseOnePool, type PhaseOnePool } from './phase-one-workers.js'
import { analyseAccountJob } from './phase-one-job.js'
import type { PrincipalSpendSummary, SpendPeriod } from '../model/spend.js'

export interface ScanRunOptions {
  config: ResolvedConfig
  sources: AccountSource[]
  now: Date
  /** Called after each account (progress reporting). */
  onAccount?: (accountId: string, ok: boolean) => void
  /** `--cur`: CUR 2.0 per-principal spend, loaded after phase one. */
  cur?: { load(ctx: { tagKeys: readonly string[]; period?: SpendPeriod; now: Date }): Promise<CurLoadResult> }
  /** `--used-within`: keep only findings about principals that used Bedrock in this many days. */
  usedWithinDays?: number
  /**
   * Bedrock spend for the spend rules: saved `aws ce` outputs among the inputs (`costExplorerFileSource()`)
   * or the Cost Explorer API (`--cost-explorer`). Absent: spend is not part of the run, the summary is silent.
   */
  spend?: SpendSource
  /** Worker threads for phase one (`scan --jobs`). */
  threads?: PhaseOneThreads
}

/** Read and analyse every account (phase one), then resolve trust org-wide and run the rules (phase two). */
export async function runScan(opts: ScanRunOptions): Promise<ScanReport> {
  const p = await runPhaseOne(opts)
  // After phase one: the snapshot planner has found the Cost Explorer files by now.
  const spend = opts.spend
    ? await opts.spend.load({ tagKeys: spendTagKeys(opts.config), now: opts.now, otherFiles: opts.sources.flatMap((s) => s.otherFiles?.() ?? []) })
    : undefined
  const cur = opts.cur
    ? await opts.cur.load({ tagKeys: opts.config.settings.requiredTags.map((t) => t.key), ...(spend?.data?.period ? { period: spend.data.period } : {}), now: opts.now })
    : undefined
  return finishScan(p, opts.config, opts.now, opts.usedWithinDays, spend, cur)
}

/** Everything phase one produces: what phase two needs and nothing per principal beyond the facts. */
export interface PhaseOne {
  facts: PrincipalFacts[]
  index: OrgIndex
  errors: ScanErrorEntry[]
  counts: { users: number; roles: number; skippedServiceLinked: number }
  /** Notes of the sources (not errors). */
  notes: string[]
  /** What the sources read but could not evaluate. */
  notEvaluated: NotEvaluatedEntry[]
  scanned: string[]
  failed: number
  files: number
  /** IaC sources: what was read, recognised and skipped. */
  iac?: IacInputCounts
  /** Worker threads that read the snapshot accounts (absent: in-thread), and the most accounts in flight. */
  threads?: number
  maxInFlight?: number
}

/**
 * Worker threads for phase one (snapshot sources): `jobs` is `scan --jobs N` (1: in-thread; absent:
 * automatic, see phaseOneWorkerCount); the rest is for tests.
 */
export interface PhaseOneThreads {
  jobs?: number
  /** `--debug`: says whether the accounts were read on worker threads. */
  debug?: (line: string) => void
  minBytes?: number
  perWorker?: number
  workerUrl?: URL
  oldGenerationMb?: number
}

/** A started worker pool for the source's accounts, when the source has jobs and they are worth it. */
async function accountsInWorkers(
  source: AccountSource,
  config: ResolvedConfig,
  cache: PolicyEvalCache,
  threads: PhaseOneThreads = {},
): Promise<{ pool: PhaseOnePool; jobs: SnapshotAccountJob[]; threads: number } | undefined> {
  if (!source.accountJobs || source.collectUsage) return undefined
  const jobs = source.accountJobs()
  const n = await phaseOneWorkerCount(jobs, { requested: threads.jobs, ...(threads.minBytes !== undefined ? { minBytes: threads.minBytes } : {}) })
  if (n < 2) return undefined
  const { inferenceActions, gateways } = config.settings
  const pool = await startPhaseOnePool(
    { settings: { inferenceActions, gateways } },
    {
      workers: n,
      ...(threads.perWorker !== undefined ? { perWorker: threads.perWorker } : {}),
      ...(threads.workerUrl ? { workerUrl: threads.workerUrl } : {}),
      ...(threads.oldGenerationMb !== undefined ? { oldGenerationMb: threads.oldGenerationMb } : {}),
      ...(threads.debug ? { debug: threads.debug } : {}),
      // An account too big for a worker's heap: read here, with the main thread's cache.
      inThread: (job) => analyseAccountJob(job, config.settings, cache),
    },
  )
  // A worker that cannot start (module missing, threads refused): the same scan in-thread.
  threads.debug?.(pool ? `phase one: ${jobs.length} accounts on ${n} worker threads` : `phase one: worker threads could not start; ${jobs.length} accounts in the main thread`)
  return pool ? { pool, jobs, threads: n } : undefined
}

export async function runPhaseOne(opts: {
  config: ResolvedConfig
  sources: AccountSource[]
  onAccount?: (accountId: string, ok: boolean) => void
  threads?: PhaseOneThreads
}): Promise<PhaseOne> {
  const index = emptyIndex()
  const cache = new PolicyEvalCache()
  const p: PhaseOne = { facts: [], index, errors: [], counts: { users: 0, roles: 0, skippedServiceLinked: 0 }, notes: [], notEvaluated: [], scanned: [], failed: 0, files: 0 }
  const scanned = new Set<string>()
  // Loops, not push(...list): spreading one huge account's facts or errors as arguments throws a RangeError.
  const append = <T>(to: T[], from: readonly T[]): void => {
    for (const x of from) to.push(x)
  }
  /** What phase one keeps of an analysed account, whichever thread analysed it. */
  const keep = (a: Pick<AccountAnalysis, 'accountId' | 'facts' | 'errors' | 'counts'>): void => {
    append(p.facts, a.facts)
    append(p.errors, a.errors)
    p.counts.users += a.counts.users
    p.counts.roles += a.counts.roles
    p.counts.skippedServiceLinked += a.counts.skippedServiceLinked
    if (!scanned.has(a.accountId)) {
      scanned.add(a.accountId)
      p.scanned.push(a.accountId)
    }
    opts.onAccount?.(a.accountId, true)
  }
  for (const action of unresolvedInferenceActions(opts.config.settings.inferenceActions)) {
    p.notEvaluated.push({
      resource: `settings.inferenceActions: ${action}`,
      reason: `the Service Authorization Reference table (${sarTableInfo().source}) does not list ${action}, so its resource types are unknown; it was judged against any ${serviceOfAction(action)} resource`,
    })
  }
  for (const source of opts.sources) {
    const prepared = await source.prepare(index)
    append(p.errors, prepared.errors)
    if (prepared.notEvaluated) append(p.notEvaluated, prepared.notEvaluated)
    const pooled = await accountsInWorkers(source, opts.config, cache, opts.threads)
    if (pooled) {
      p.threads = pooled.threads
      try {
        for await (const a of pooled.pool.run(pooled.jobs)) {
          // In the order and with the effect of the in-thread loop below.
          append(p.errors, a.loadErrors)
          if (a.notes) append(p.notes, a.notes)
          if (a.notEvaluated) append(p.notEvaluated, a.notEvaluated)
          addAccountIndex(index, a.index)
          keep(a)
        }
      } finally {
        p.maxInFlight = pooled.pool.maxInFlight
        await pooled.pool.close()
      }
      continue
    }
    for await (const acct of source.accounts()) {
      append(p.errors, acct.errors)
      if (!acct.inventory) {
        p.failed++
        opts.onAccount?.(acct.accountId, false)
        continue
      }
      if (acct.inventory.notes) append(p.notes, acct.inventory.notes)
      if (acct.inventory.notEvaluated) append(p.notEvaluated, acct.inventory.notEvaluated)
      const a = analyzeAccount(acct.inventory, { settings: opts.config.settings, cache, index })
      if (source.collectUsage) append(p.errors, await source.collectUsage(a.accountId, a.facts.filter((f) => f.capability.capable)))
      keep(a)
    }
  }
  p.files = opts.sources.reduce((n, s) => n + s.fileCount(), 0)
  for (const s of opts.sources) {
    const c = s.iacCounts?.()
    if (!c) continue
    const total = (p.iac ??= { filesRead: 0, templates: 0, plans: 0, assemblies: 0, notTemplates: 0, skippedSymlinks: 0, skippedTooLarge: 0 })
    // `changed` is the command's to set (--changed-only), not a source's.
    for (const k of Object.keys(c) as Array<Exclude<keyof IacInputCounts, 'changed'>>) total[k] += c[k]
  }
  return p
}

/** Phase two and the report, exactly as `runScan` does them. Mutates the facts (trust, paths). */
export function finishScan(p: PhaseOne, config: ResolvedConfig, now: Date, usedWithinDays?: number, spend?: SpendLoadResult, curLoad?: CurLoadResult): ScanReport {
  const { facts, index } = p
  const errors = [...p.errors, ...(spend?.errors ?? []), ...(curLoad?.errors ?? [])]
  const cur = curLoad?.data
  resolvePrincipalPaths(facts, index, config.settings)
  for (const f of facts) {
    for (const u of f.trust?.unclassified ?? []) {
      const where = f.origin?.logicalId ?? f.origin?.address ?? f.arn
      p.notEvaluated.push({
        ...(f.origin?.file !== undefined ? { file: f.origin.file } : {}),
        resource: where,
        statement: `trust policy Statement[${u.index}]${u.sid !== undefined ? ` (${u.sid})` : ''}`,
        reason: `${u.principal}: ${u.reason}`,
      })
    }
  }
  if (cur) {
    // CUR spend is Bedrock use evidence too (bedrock-used / never-used).
    const byArn = new Map(facts.map((f) => [f.arn, f]))
    for (const [arn, ev] of curUsageEvidence(cur, facts, index.scannedAccounts)) (byArn.get(arn)!.bedrockUsage ??= []).push(ev)
  }
  // Identity Center: permission sets joined to their roles (with their CUR spend), before the rules read them.
  const ic = analyseIdentityCenter({ data: index.identityCenter, facts, scannedAccounts: index.scannedAccounts, actions: config.settings.inferenceActions, ...(cur ? { cur } : {}) })
  index.permissionSets = ic.views
  // The principal spend rules (`meta.spend: principal`) run in a second pass: they need to know which IAM findings explain the spend.
  const baseOf = (id: string): string => config.rules.find((r) => r.id === id)?.base ?? id
  const isPrincipalSpendRule = (base: string): boolean => RULE_META.get(base)?.spend === 'principal'
  const engine = runRules(facts, index, withoutPrincipalSpendRules(config, isPrincipalSpendRule), RULE_REGISTRY, spend?.data ? { spend: spend.data } : {})
  const usage = usageByPrincipal(facts)
  let findings = annotateUsage(engine.findings, usage)
  if (usedWithinDays !== undefined) findings = filterUsedWithin(findings, usage, usedWithinDays, now)
  errors.push(...engine.errors)
  const rulesNotEvaluated = [...engine.rulesNotEvaluated]
  let principalSpend: PrincipalSpendSummary | undefined
  let ledger: Ledger | undefined
  let ledgerEval: LedgerEvaluation | undefined
  if (cur) {
    const pctx = buildPrincipalSpendContext(cur, facts, findings, index.scannedAccounts, (id) => RULE_META.get(baseOf(id))?.spend !== undefined, {
      requiredTags: config.settings.requiredTags,
      baseOf,
    })
    const pass = runRules(facts, index, principalSpendConfig(config, isPrincipalSpendRule), RULE_REGISTRY, { principalSpend: pctx })
    errors.push(...pass.errors)
    findings = [...findings, ...pass.findings]
    // Enriches findings with spend and sorts by unattributed spend within a severity.
    principalSpend = finishPrincipalSpend(findings, pctx)
    // After the enrichment: every finding's spend is set, the owners add what they recover.
    if (pctx.ledger) {
      ledger = finishLedger(pctx.ledger, findings, baseOf, config.settings.requiredTags).ledger
      ledgerEval = pctx.ledger
    }
  } else if (curLoad) {
    // --cur was given but gave no data; without --cur an IAM run says nothing about per-principal spend.
    for (const r of principalSpendConfig(config, isPrincipalSpendRule).rules.filter((x) => x.enabled)) {
      rulesNotEvaluated.push({ ruleId: r.id, reason: curLoad?.reason ?? 'no CUR 2.0 data: give --cur (docs/cur.md)' })
    }
  }
  applyIacFixHints(findings, facts, config)
  const notices = applyExceptions(findings, config.exceptions, now)
  // Per account: key data for one account says nothing about the users of another.
  // IaC pseudo accounts have no API keys to list.
  const uncheckedAccounts = [...new Set(facts.filter((f) => f.kind === 'user' && !f.apiKeysCollected && /^\d{12}$/.test(f.accountId)).map((f) => f.accountId))].sort()
  if (uncheckedAccounts.length > 0) {
    rulesNotEvaluated.push({
      ruleId: 'bedrock-api-key-long-term',
      reason: facts.some((f) => f.apiKeysCollected)
        ? `no \`aws iam list-service-specific-credentials\` output was given for account(s) ${uncheckedAccounts.join(', ')}, so their API keys were not checked`
        : 'no `aws iam list-service-specific-credentials` output was given, so API keys were not checked',
    })
  }
  // Only when the run had a spend source: an IAM-only run says nothing about spend.
  const spendInput: SpendLoadResult | undefined = cur
    ? { data: spend?.data ? mergeCurIntoSpend(spend.data, cur) : curToSpendData(cur), errors: [] }
    : spend
  const spendCov = spendInput ? spendCoverage(spendInput, config) : undefined
  if (spendCov) rulesNotEvaluated.push(...spendCov.rulesNotEvaluated)
  if (spendCov && principalSpend) spendCov.summary.principals = principalSpend
  if (spendCov && !ledger) spendCov.summary.ledgerReason = curLoad?.reason ?? 'no per-principal spend: the ledger needs CUR 2.0 (--cur; docs/cur.md)'
  const report: ScanReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'tagwarden', version: toolVersion() },
    generatedAt: now.toISOString(),
    findings: findings,
    summary: buildSummary({
      facts,
      findings: findings,
      errors,
      accountsScanned: p.scanned,
      accountsFailed: p.failed,
      accountsNotCovered: [...index.accounts.values()]
        .filter((a) => (a.state ?? 'ACTIVE') === 'ACTIVE' && !index.scannedAccounts.has(a.id))
        .map((a) => a.id),
      counts: p.counts,
      files: p.files,
      ...(p.iac ? { iac: p.iac } : {}),
      rulesNotEvaluated,
      exceptions: notices,
      rulesFiles: config.files,
      notes: p.notes,
      notEvaluated: [...p.notEvaluated, ...ic.notEvaluated],
      ...(spendCov ? { spend: spendCov.summary } : {}),
    }),
    errors,
    ...(ledger ? { ledger } : {}),
  }
  // The ledger's cells with their causes, for `spend --format csv`: not part of the JSON (not enumerable).
  if (ledgerEval) Object.defineProperty(report, LEDGER_DETAIL, { value: ledgerEval, enumerable: false })
  return report
}

const LEDGER_DETAIL = Symbol('tagwarden.ledgerDetail')

/** The evaluation behind a report's ledger (cells with causes), when the report was made in this process. */
export function ledgerDetailOf(report: ScanReport): LedgerEvaluation | undefined {
  return (report as unknown as Record<symbol, LedgerEvaluation | undefined>)[LEDGER_DETAIL]
}

