/** The resolved rules file (bundled `rules.yaml`, optionally extended by the user's file). */
import type { Severity } from '../model/finding.js'

export interface TagRequirement {
  key: string
  /** Allowed values (exact). */
  allowedValues?: string[]
  /** Allowed values as a regular expression (anchored by the author). */
  pattern?: string
}

/** `tags.prohibited[]`: a key that must not be used, and the key to use instead. */
export interface ProhibitedTag {
  key: string
  replacement?: string
  reason?: string
}

export interface GatewaySettings {
  /** Role-name globs, matched case-insensitively. */
  namePatterns: string[]
  /** Tag key → value marking a role as a gateway. */
  tags: Record<string, string>
  /** Role ARNs (globs) declared as gateways; IaC logical IDs, addresses or construct paths too. */
  arns: string[]
}

export interface ResolvedSettings {
  requiredTags: TagRequirement[]
  /** `tags.prohibited` (rule `tag-prohibited`). */
  prohibitedTags?: ProhibitedTag[]
  inferenceActions: string[]
  workloadOidcIssuers: string[]
  gateways: GatewaySettings
}

export interface RuleScope {
  accounts?: string[]
  ous?: string[]
  paths?: string[]
  arns?: string[]
  excludeAccounts?: string[]
  excludePaths?: string[]
  excludeArns?: string[]
}

export interface Position {
  file: string
  line: number
  column: number
}

export interface RuleInstance {
  /** The ID findings carry: the built-in ID, or a custom rule's own ID. */
  id: string
  /** The built-in rule module it runs. */
  base: string
  enabled: boolean
  severity: Severity
  options: Record<string, unknown>
  scope?: RuleScope
  /** Where it was configured (file path, or `<bundled>`). */
  source: string
}

export interface ExceptionRule {
  rules: string[]
  arn?: string
  account?: string
  logicalId?: string
  address?: string
  reason: string
  expires?: string
  position: Position
}

export interface ResolvedConfig {
  settings: ResolvedSettings
  rules: RuleInstance[]
  exceptions: ExceptionRule[]
  /** Files read, bundled first. */
  files: string[]
}
