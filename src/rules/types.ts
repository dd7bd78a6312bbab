/**
 * The rule contract: one module per rule, `{ meta, check }`. A rule never touches the filesystem,
 * AWS, the environment or the clock; everything it needs arrives in its context.
 */
import type { PrincipalSpendContext } from '../spend/principal-context.js'
import type { PrincipalFacts } from '../analysis/facts.js'
import type { Evidence, FindingSpend, Severity, SubjectKind, Subject } from '../model/finding.js'
import type { OrgIndex } from '../analysis/org-index.js'
import type { ResolvedSettings } from '../config/types.js'
import type { SpendData } from '../spend/model.js'

export interface RuleMeta {
  /** Stable kebab-case ID, equal to the module's file name. */
  id: string
  /** One sentence: what the rule checks. */
  summary: string
  /** Why it matters for Bedrock cost attribution. */
  rationale: string
  /** How to fix, in general terms (findings carry a concrete `fix`). */
  remediation: string
  defaultSeverity: Severity
  appliesTo: SubjectKind[]
  /** messageId → template with `{placeholders}`. */
  messages: Record<string, string>
  /** SARIF `properties.tags`. */
  tags: string[]
  precision: 'very-high' | 'high' | 'medium' | 'low'
  /** For IaC findings: the property the fix goes in (`tags` → the Tags property, `trust` → the trust policy). */
  locus?: 'tags' | 'trust'
  /** Options this rule accepts (JSON Schema `properties`), for validation and docs. */
  options?: Record<string, { type: string; description: string; items?: { type: string } }>
  /** Compliant and non-compliant examples (snippets), for `rules explain` and docs. */
  examples: { compliant: string; nonCompliant: string }
}

/** What a check reports; the engine turns it into a `Finding`. */
export interface RuleReport {
  messageId: string
  data: Record<string, string | number>
  /** Defaults to the principal the check ran on. */
  subject?: Subject
  /** For per-tag-key findings: part of the fingerprint. */
  tagKey?: string
  evidence?: Evidence
  fix?: string
  /** Only below the configured severity: for rules whose level depends on the data (spend thresholds). */
  severity?: Severity
  /** Bedrock spend behind the finding; copied to `Finding.spend`. */
  spend?: FindingSpend
}

export interface RuleContext {
  settings: ResolvedSettings
  /** Options for this rule instance (a custom rule's own options, merged over the defaults). */
  options: Record<string, unknown>
  index: OrgIndex
  /**
   * The principals the analysis kept (Bedrock-capable ones, gateways, API-key holders) in the rule
   * instance's scope: what org-level rules compare across the organization. Always set by the engine.
   */
  principals?: readonly PrincipalFacts[]
  /** Bedrock spend (Cost Explorer), when the scan had a spend source and it answered. */
  spend?: SpendData
  /** CUR 2.0 per-principal spend, joined to the IAM principals (the principal spend rules). */
  principalSpend?: PrincipalSpendContext
}

export interface PrincipalRule {
  meta: RuleMeta
  scope: 'principal'
  check(principal: PrincipalFacts, ctx: RuleContext): RuleReport[]
}

export interface OrgRule {
  meta: RuleMeta
  scope: 'org'
  check(ctx: RuleContext): RuleReport[]
}

export type RuleModule = PrincipalRule | OrgRule
