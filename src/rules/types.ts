/**
 * The rule contract: one module per rule, `{ meta, check }`. A rule never touches the filesystem,
 * AWS, the environment or the clock; everything it needs arrives in its context.
 */
import type { Origin } from '../model/inventory.js'
import type { PrincipalSpendContext } from '../spend/principal-context.js'
import type { PrincipalFacts } from '../analysis/facts.js'
import type { Evidence, FindingSpend, IacFixKind, Severity, SubjectKind, Subject } from '../model/finding.js'
import type { OrgIndex } from '../analysis/org-index.js'
import type { ResolvedSettings } from '../config/types.js'
import type { SpendData } from '../spend/model.js'

/**
 * The JSON Schema of one rule option: validated with ajv when the rules file loads, emitted into
 * `schemas/rules.schema.json` and the rule docs. `default` (when the default is a constant) is merged
 * under the configured options before the rule runs.
 */
export interface OptionSchema {
  type: 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'object'
  description: string
  items?: { type: string; minLength?: number }
  enum?: readonly string[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minItems?: number
  properties?: Record<string, { type: string; minimum?: number; maximum?: number }>
  additionalProperties?: boolean
  default?: unknown
}


export interface RuleMeta<MessageIds extends string = string, OptionName extends string = string> {
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
  messages: Record<MessageIds, string>
  /**
   * messageId → the finding's `fix` as a template like `messages` (rendered when read, never stored:
   * a fix that is a function of `data` costs no memory per finding). `{key|bare}` is a value without the
   * backticks of a code span around it. A report's own `fix` wins.
   */
  fixes?: Partial<Record<MessageIds, string>>
  /** SARIF `properties.tags`. */
  tags: string[]
  precision: 'very-high' | 'high' | 'medium' | 'low'
  /** For IaC findings: the property the fix goes in (`tags` → the Tags property, `trust` → the trust policy). */
  locus?: 'tags' | 'trust'
  /** Options this rule accepts (JSON Schema `properties`): the one source for validation, the schema and docs. */
  options?: Record<OptionName, OptionSchema>
  /** For IaC findings: the kind of fix hint written in the input's language (none: the rule's own `fix`). */
  iacFix?: IacFixKind
  /** SARIF `security-severity` ("0.0"–"10.0") for rules with a security angle (makes them security alerts on GitHub). */
  securitySeverity?: string
  /**
   * Spend rules: `account` reads Cost Explorer data (`RuleContext.spend`); `principal` reads CUR per-principal
   * spend and runs in the spend pass after the IAM rules. Absent: an IAM rule.
   */
  spend?: 'account' | 'principal'
  /** Compliant and non-compliant examples (snippets), for `rules explain` and docs. */
  examples: { compliant: string; nonCompliant: string }
}

/** What a check reports; the engine turns it into a `Finding`. */
export interface RuleReport<MessageIds extends string = string> {
  messageId: MessageIds
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
  /** A subject that is no principal but an IaC resource (a permission set): the suppressions written next to it. */
  suppressions?: Origin['suppressions']
}

export interface RuleContext<Options = Record<string, unknown>> {
  settings: ResolvedSettings
  /** Options for this rule instance (a custom rule's own options, merged over the defaults), valid by the rule's option schemas. */
  options: Options
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

/** The options a rule declares: every option is optional in the rules file. */
type OptionSchemas<Options> = { [K in keyof Options]-?: OptionSchema }

interface RuleDefinitionBase<Options, MessageIds extends string> {
  meta: Omit<RuleMeta<MessageIds>, 'options'> & ([keyof Options] extends [never] ? { options?: undefined } : { options: OptionSchemas<Options> })
}
export interface PrincipalRuleDefinition<Options, MessageIds extends string> extends RuleDefinitionBase<Options, MessageIds> {
  scope: 'principal'
  check(principal: PrincipalFacts, ctx: RuleContext<Options>): Array<RuleReport<NoInfer<MessageIds>>>
}
export interface OrgRuleDefinition<Options, MessageIds extends string> extends RuleDefinitionBase<Options, MessageIds> {
  scope: 'org'
  check(ctx: RuleContext<Options>): Array<RuleReport<NoInfer<MessageIds>>>
}

/**
 * One typed rule definition (as typescript-eslint's `RuleCreator`): `Options` are the rule's options as the
 * check reads them (each declared once, as a JSON Schema in `meta.options`, validated when the rules file
 * loads); `MessageIds` are the keys of `meta.messages`, so a check reporting an unknown message ID does not
 * type-check.
 *
 *   export const myRule = defineRule<{ tagKeys?: string[] }, 'missing'>({ scope: 'principal', meta: {…}, check(p, ctx) {…} })
 */
export function defineRule<Options extends object, MessageIds extends string>(rule: PrincipalRuleDefinition<Options, MessageIds>): PrincipalRule
export function defineRule<Options extends object, MessageIds extends string>(rule: OrgRuleDefinition<Options, MessageIds>): OrgRule
export function defineRule<Options extends object, MessageIds extends string>(rule: PrincipalRuleDefinition<Options, MessageIds> | OrgRuleDefinition<Options, MessageIds>): RuleModule {
  // The engine hands every check options validated against `meta.options` (defaults merged), so the cast holds.
  return rule as unknown as RuleModule
}
