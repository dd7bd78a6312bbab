/**
 * What the two per-principal spend rules see. They run after the IAM rules (the pipeline's spend pass),
 * because "no IAM finding already explains it" needs those findings; without CUR data the context is
 * absent and they report nothing.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { Finding } from '../model/finding.js'
import type { CurSpendData } from './cur-model.js'
import { joinPrincipalSpend, type PrincipalJoin } from './principal-join.js'

/** Rules whose findings are about spend, not IAM: they never "explain" a principal's spend. */
export const PRINCIPAL_SPEND_RULES = ['principal-unattributed-spend', 'gateway-collapsed-spend'] as const

export interface PrincipalSpendContext {
  data: CurSpendData
  join: PrincipalJoin
  /** Fact ARN → rule IDs of the IAM findings on it (suppressed ones included: an exception is an explanation too). */
  explainedBy: Map<string, string[]>
}



/** Base rule IDs that are not IAM rules (Cost Explorer and CUR spend rules). */
const NOT_IAM = new Set<string>([...PRINCIPAL_SPEND_RULES, 'untagged-bedrock-spend', 'cost-tag-inactive'])

export function buildPrincipalSpendContext(
  data: CurSpendData,
  facts: readonly PrincipalFacts[],
  iamFindings: readonly Finding[],
  scannedAccounts: ReadonlySet<string>,
  /** Rule instance ID → its base rule (custom instances of the spend rules are not IAM findings either). */
  baseOf: (ruleId: string) => string = (id) => id,
): PrincipalSpendContext {
  const explainedBy = new Map<string, string[]>()
  for (const f of iamFindings) {
    if (!f.principalArn || NOT_IAM.has(baseOf(f.ruleId))) continue
    explainedBy.set(f.principalArn, [...new Set([...(explainedBy.get(f.principalArn) ?? []), f.ruleId])])
  }
  return { data, join: joinPrincipalSpend(data.principals, facts, scannedAccounts), explainedBy }
}
