/**
 * The scan with CUR data, wired the way the pipeline patch wires it (docs/README-cur.md): phase one,
 * the IAM rules, then the principal spend rules with their context, every finding enriched with
 * `spend` and sorted by unattributed spend. The spend rules run here as the engine will run them once
 * registered: severity from the report, capped at the instance's severity.
 */
import { finishScan, runPhaseOne, type PhaseOne } from '../../src/pipeline/scan.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import type { Finding, Severity } from '../../src/model/finding.js'
import { SEVERITY_RANK } from '../../src/model/finding.js'
import { loadRulesConfig } from '../../src/config/load.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { principalSubject, renderMessage } from '../../src/rules/engine.js'
import { fingerprintOf } from '../../src/model/fingerprint.js'
import { RULE_META } from '../../src/rules/index.js'
import { gatewayCollapsedSpend } from '../../src/rules/spend/gateway-collapsed-spend.js'
import { principalUnattributedSpend } from '../../src/rules/spend/principal-unattributed-spend.js'
import type { OrgRule, RuleReport } from '../../src/rules/types.js'
import type { CurSpendData } from '../../src/spend/cur-model.js'
import { buildPrincipalSpendContext, type PrincipalSpendContext } from '../../src/spend/principal-context.js'
import { finishPrincipalSpend } from '../../src/spend/principal-phase.js'
import type { PrincipalSpendSummary } from '../../src/model/spend.js'

export const DEMO = 'examples/demo-org'
export const SPEND_RULES: OrgRule[] = [principalUnattributedSpend, gatewayCollapsedSpend]

export function demoConfig(): ResolvedConfig {
  const builtins = new Map([...RULE_META, ...SPEND_RULES.map((r) => [r.meta.id, r.meta] as const)])
  return loadRulesConfig({ builtins, rulesPath: `${DEMO}/tagwarden.yaml` })
}

/** The spend pass: each enabled spend rule instance, reports turned into findings as the engine does. */
export function runSpendPass(config: ResolvedConfig, pctx: PrincipalSpendContext, p1: Pick<PhaseOne, 'index'>): Finding[] {
  const out: Finding[] = []
  for (const inst of config.rules) {
    const rule = SPEND_RULES.find((r) => r.meta.id === inst.base)
    if (!inst.enabled || !rule) continue
    const ctx = { settings: config.settings, options: inst.options, index: p1.index, principalSpend: pctx }
    for (const r of rule.check(ctx) as Array<RuleReport & { severity?: Severity }>) {
      const own = r.severity ?? inst.severity
      const subject = r.subject ?? { kind: 'org' as const }
      const f: Finding = {
        ruleId: inst.id,
        severity: SEVERITY_RANK[own] <= SEVERITY_RANK[inst.severity] ? own : inst.severity,
        message: renderMessage(rule.meta.messages[r.messageId]!, r.data),
        messageId: r.messageId,
        data: r.data,
        subject,
        evidence: r.evidence ?? {},
        fingerprint: fingerprintOf(inst.id, subject, r.tagKey),
      }
      if ((subject.kind === 'user' || subject.kind === 'role') && subject.arn) f.principalArn = subject.arn
      if (r.fix) f.fix = r.fix
      if (r.spend) f.spend = r.spend
      out.push(f)
    }
  }
  return out
}

export interface ScanWithCur {
  findings: Finding[]
  summary: PrincipalSpendSummary
  pctx: PrincipalSpendContext
  p1: PhaseOne
}

/** The demo scan with CUR data: IAM rules, then the spend pass, enrichment and the spend order. */
export async function scanWithCur(cur: CurSpendData, opts: { inputs?: string[]; config?: ResolvedConfig } = {}): Promise<ScanWithCur> {
  const config = opts.config ?? demoConfig()
  const p1 = await runPhaseOne({ config, sources: [snapshotSource(opts.inputs ?? [`${DEMO}/111111111111`, `${DEMO}/222222222222`, `${DEMO}/333333333333`, `${DEMO}/organization`])] })
  const report = finishScan(p1, config, new Date('2026-08-21T00:00:00Z'))
  const baseOf = (id: string) => config.rules.find((r) => r.id === id)?.base ?? id
  const pctx = buildPrincipalSpendContext(cur, p1.facts, report.findings, p1.index.scannedAccounts, (id) => RULE_META.get(baseOf(id))?.spend !== undefined)
  const findings = [...report.findings, ...runSpendPass(config, pctx, p1)]
  const summary = finishPrincipalSpend(findings, pctx)
  return { findings, summary, pctx, p1 }
}

export { principalSubject }
