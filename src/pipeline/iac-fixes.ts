/**
 * Findings on IaC resources get their fix in the language of the input (the YAML, CDK or HCL to add)
 * instead of the `aws iam …` command the rules write for live principals.
 */
import type { PrincipalFacts } from '../analysis/facts.js'
import type { Finding } from '../model/finding.js'
import type { ResolvedConfig } from '../config/types.js'
import { iacFixHint, isIacOrigin, type FixInput } from '../scanners/iac/index.js'
import { RULE_META } from '../rules/index.js'

export function applyIacFixHints(findings: Finding[], facts: readonly PrincipalFacts[], config: ResolvedConfig): void {
  const iacFacts = new Map(facts.filter((f) => isIacOrigin(f.origin)).map((f) => [f.arn, f]))
  if (iacFacts.size === 0) return
  const baseOf = new Map(config.rules.map((r) => [r.id, r.base]))
  for (const f of findings) {
    const p = f.principalArn ? iacFacts.get(f.principalArn) : undefined
    if (!p || !isIacOrigin(p.origin)) continue
    const kind = RULE_META.get(baseOf.get(f.ruleId) ?? f.ruleId)?.iacFix
    if (!kind) continue
    const input: FixInput = {
      tagKeys: f.subject.tagKey ? [f.subject.tagKey] : config.settings.requiredTags.map((t) => t.key),
    }
    const ev = f.evidence as { providers?: string[]; gateways?: Array<{ arn: string }>; suggestion?: string }
    if (ev.providers?.[0]) input.principal = { type: 'Federated', value: ev.providers[0] }
    else if (ev.gateways?.[0]) input.principal = { type: 'AWS', value: ev.gateways[0].arn }
    if (ev.suggestion) input.tagValue = ev.suggestion
    f.fix = iacFixHint(kind, p.origin, input)
  }
}
