/**
 * What the two per-principal spend rules see. They run after the IAM rules (the pipeline's spend pass),
 * because "no IAM finding already explains it" needs those findings; without CUR data the context is
 * absent and they report nothing.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import { principalArnsOf, type Finding } from '../model/finding.js'
import type { TagRequirement } from '../config/types.js'
import type { CurSpendData } from './cur-model.js'
import { evaluateLedger, type LedgerEvaluation } from './ledger.js'
import { joinPrincipalSpend, type PrincipalJoin } from './principal-join.js'

export interface PrincipalSpendContext {
  data: CurSpendData
  join: PrincipalJoin
  /** Fact ARN → rule IDs of the IAM findings on it (suppressed ones included: an exception is an explanation too). */
  explainedBy: Map<string, string[]>
  /** The ledger's causes of every billed line (src/spend/ledger.ts), when the caller evaluated them. */
  ledger?: LedgerEvaluation
}


export function buildPrincipalSpendContext(
  data: CurSpendData,
  facts: readonly PrincipalFacts[],
  iamFindings: readonly Finding[],
  scannedAccounts: ReadonlySet<string>,
  /**
   * Whether a rule instance is a spend rule (its base rule's `meta.spend`, custom instances included): findings
   * about spend, not IAM, never "explain" a principal's spend.
   */
  isSpendRule: (ruleId: string) => boolean,
  /** With these, the ledger's causes are evaluated too (the pipeline always gives them). */
  ledger?: { requiredTags: readonly TagRequirement[]; baseOf: (ruleId: string) => string },
): PrincipalSpendContext {
  const explainedBy = new Map<string, string[]>()
  for (const f of iamFindings) {
    if (isSpendRule(f.ruleId)) continue
    // A permission-set finding explains the spend of its AWSReservedSSO_* roles.
    for (const arn of principalArnsOf(f)) explainedBy.set(arn, [...new Set([...(explainedBy.get(arn) ?? []), f.ruleId])])
  }
  const join = joinPrincipalSpend(data.principals, facts, scannedAccounts)
  const ctx: PrincipalSpendContext = { data, join, explainedBy }
  if (ledger) ctx.ledger = evaluateLedger({ data, join, requiredTags: ledger.requiredTags, findings: iamFindings, baseOf: ledger.baseOf })
  return ctx
}
