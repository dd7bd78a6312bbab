/**
 * The rules files `tagwarden init` writes: a commented starter, or the required tags derived from a
 * tag policy. Hand-rendered so the comments land where a reader needs them; every value goes through
 * the YAML serialiser so quoting is always right (`'100'` stays a string, patterns keep their `\`).
 */
import { stringify } from 'yaml'
import type { TagRequirement } from '../config/types.js'
import { requirementComment, requirementFromPolicyKey } from '../tag-policy/requirements.js'
import type { TagPolicyKey } from '../tag-policy/parse.js'

export const RULES_SCHEMA_URL = 'https://raw.githubusercontent.com/tagwarden/tagwarden/main/schemas/rules.schema.json'
export const SCHEMA_LINE = `# yaml-language-server: $schema=${RULES_SCHEMA_URL}`

function scalar(v: string): string {
  return stringify(v, { lineWidth: 0 }).trimEnd()
}

function flowList(values: readonly string[]): string {
  return `[${values.map(scalar).join(', ')}]`
}

function requirementLines(req: TagRequirement, comments: readonly string[] = []): string[] {
  const lines = comments.map((c) => `    # ${c}`)
  lines.push(`    - key: ${scalar(req.key)}`)
  if (req.allowedValues) lines.push(`      allowedValues: ${flowList(req.allowedValues)}`)
  if (req.pattern !== undefined) lines.push(`      pattern: ${scalar(req.pattern)}`)
  return lines
}

const HEADER = [
  SCHEMA_LINE,
  '#',
  '# tagwarden rules file. It extends the bundled defaults (rules.yaml in the tagwarden package):',
  '# write here only what differs. Check it with `tagwarden rules validate tagwarden.yaml`, list the',
  '# rules with `tagwarden rules list` and read one with `tagwarden rules explain RULE-ID`.',
]

const REQUIRED_INTRO = [
  '  # Every Bedrock-capable IAM user and role must carry these keys, spelt exactly like this:',
  '  # cost allocation tags are case-sensitive, so `Team` does not count for `team`.',
]

const COMMENTED_EXAMPLES = `
# settings:
#   gateways:
#     # Roles that front Bedrock for many users (LLM gateways): by role name, tag or ARN.
#     namePatterns: ['*llm-gateway*']

# rules:
#   # Change a built-in rule's severity, switch it off, or narrow where it runs.
#   federated-role-session-name: { severity: error }
#   principal-missing-tag:
#     scope: { excludePaths: ['/sandbox/*'] }

# custom:
#   # A rule of your own: a built-in rule with its own ID, options and scope.
#   - id: ml-cost-center
#     extends: principal-missing-tag
#     description: ML roles must also carry a cost center
#     options: { tagKeys: [cost-center] }
#     scope: { paths: ['/ml/*'] }

# exceptions:
#   - rules: principal-missing-tag
#     arn: arn:aws:iam::111111111111:role/legacy-batch-*
#     reason: legacy batch roles, retired with the Q3 migration
#     expires: 2027-03-31
`

export interface StarterAnswers {
  requiredTags: TagRequirement[]
  /** Role-name globs of the LLM gateways; absent: the bundled default stays (commented example). */
  gatewayNamePatterns?: string[]
}

export const DEFAULT_STARTER: StarterAnswers = { requiredTags: [{ key: 'team' }] }

/** The commented starter `tagwarden.yaml`. */
export function renderStarterRulesFile(a: StarterAnswers = DEFAULT_STARTER): string {
  const lines = [...HEADER, 'version: 1', '', 'tags:', ...REQUIRED_INTRO, '  required:']
  for (const req of a.requiredTags) {
    lines.push(...requirementLines(req))
    if (!req.allowedValues && req.pattern === undefined) {
      lines.push(`      # allowedValues: [search, ads, data-science]   # or: pattern: '^[a-z][a-z0-9-]*$'`)
    }
  }
  let examples = COMMENTED_EXAMPLES
  if (a.gatewayNamePatterns) {
    lines.push('', 'settings:', '  gateways:', '    # Roles that front Bedrock for many users (LLM gateways), by role name.', `    namePatterns: ${flowList(a.gatewayNamePatterns)}`)
    examples = examples.replace(/\n# settings:\n(#.*\n)+/, '\n')
  }
  return `${lines.join('\n')}\n${examples}`
}

export interface TagPolicyRulesFileOptions {
  /** The command line that produced it, for the header. */
  command: string
  sources: string[]
  warnings: string[]
}

/** A rules file whose required tags are exactly the tag policy's keys, capitalisation and values. */
export function renderTagPolicyRulesFile(keys: readonly TagPolicyKey[], o: TagPolicyRulesFileOptions): string {
  const lines = [
    ...HEADER,
    '#',
    `# Required tags derived from AWS Organizations tag policies by \`${o.command}\`:`,
    ...o.sources.map((s) => `#   - ${s}`),
    '# Rerun it when the tag policy changes, so that this file and the policy cannot drift.',
    ...(o.warnings.length > 0 ? ['#', '# Warnings:', ...o.warnings.map((w) => `#   - ${w}`)] : []),
    'version: 1',
    '',
    'tags:',
    ...REQUIRED_INTRO,
    '  required:',
  ]
  const sorted = [...keys].sort((a, b) => (a.tagKey.toLowerCase() < b.tagKey.toLowerCase() ? -1 : a.tagKey.toLowerCase() > b.tagKey.toLowerCase() ? 1 : 0))
  for (const k of sorted) lines.push(...requirementLines(requirementFromPolicyKey(k), requirementComment(k)))
  return `${lines.join('\n')}\n${COMMENTED_EXAMPLES}`
}
