/**
 * Where CUR data meets the scan (phase two): the CUR ↔ IAM join, CUR usage evidence for the facts
 * (before the rules), the principal spend rules' context (after the IAM rules), and at the end the
 * enrichment of every finding with `spend`, the order by unattributed spend and the summary.
 *
 *   const pctx = buildPrincipalSpendContext(cur, facts, engine.findings, index.scannedAccounts, isSpendRule)
 *   const pass = runRules(facts, index, principalSpendConfig(config, isPrincipalSpendRule), RULE_REGISTRY, { principalSpend: pctx })
 *   const findings = [...engine.findings, ...pass.findings]
 *   const summary = finishPrincipalSpend(findings, pctx)   // enriches and sorts `findings`
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { Finding } from '../model/finding.js'
import type { ResolvedConfig } from '../config/types.js'
import type { BedrockUsageEvidence } from '../usage/classify.js'
import type { CurSpendData } from './cur-model.js'
import type { PrincipalSpendContext } from './principal-context.js'
import { enrichFindingsWithSpend, principalSpendSummary, sortFindingsBySpend } from './principal-enrich.js'
import { joinPrincipalSpend } from './principal-join.js'
import type { PrincipalSpendSummary } from '../model/spend.js'

/** The rules file with only the principal spend rules enabled: the spend pass runs these, after the IAM rules. */
export function principalSpendConfig<C extends Pick<ResolvedConfig, 'rules'>>(config: C, isPrincipalSpendRule: (base: string) => boolean): C {
  return { ...config, rules: config.rules.map((r) => (isPrincipalSpendRule(r.base) ? r : { ...r, enabled: false })) }
}

/** The same rules file without the principal spend rules (the first pass). */
export function withoutPrincipalSpendRules<C extends Pick<ResolvedConfig, 'rules'>>(config: C, isPrincipalSpendRule: (base: string) => boolean): C {
  return { ...config, rules: config.rules.map((r) => (isPrincipalSpendRule(r.base) ? { ...r, enabled: false } : r)) }
}

/**
 * CUR usage evidence for `PrincipalFacts.bedrockUsage`: billed principals used Bedrock (last on their
 * last billed day); the others of an account the CUR covers did not, within the period.
 */
export function curUsageEvidence(cur: CurSpendData, facts: readonly PrincipalFacts[], scannedAccounts: ReadonlySet<string>): Map<string, BedrockUsageEvidence> {
  const join = joinPrincipalSpend(cur.principals, facts, scannedAccounts)
  const covered = new Set(cur.accountsSeen)
  const out = new Map<string, BedrockUsageEvidence>()
  for (const f of facts) {
    const s = join.byFact.get(f.arn)
    if (s && s.last !== undefined) out.set(f.arn, { source: 'cur', lastUsed: s.last, windowStart: cur.period.start })
    else if (covered.has(f.accountId)) out.set(f.arn, { source: 'cur', windowStart: cur.period.start })
  }
  return out
}

/** Enriches every finding with `spend`, orders them by unattributed spend within a severity, and sums up. */
export function finishPrincipalSpend(findings: Finding[], pctx: PrincipalSpendContext): PrincipalSpendSummary {
  const n = enrichFindingsWithSpend(findings, pctx.data, pctx.join)
  sortFindingsBySpend(findings)
  return principalSpendSummary(pctx.data, pctx.join, n)
}
