/**
 * From tag policy keys to `tags.required` entries of a rules file, keeping the policy's semantics:
 * the key's capitalisation, exact values as `allowedValues`, and `*` wildcards (one per value, any run
 * of characters, possibly none) as an anchored `pattern` that also accepts the exact values.
 */
import type { TagRequirement } from '../config/types.js'
import type { TagPolicyKey } from './parse.js'

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** `300*` → `300.*`, `*@example.com` → `.*@example\.com`. */
export function wildcardToRegex(value: string): string {
  return value.split('*').map(escapeRegex).join('.*')
}

/** Whether `value` is compliant with a tag policy value list (the policy's own semantics). */
export function tagPolicyAllows(values: readonly string[] | undefined, value: string): boolean {
  if (values === undefined) return true
  return values.some((v) => (v.includes('*') ? new RegExp(`^${wildcardToRegex(v)}$`, 's').test(value) : v === value))
}

export function requirementFromPolicyKey(k: TagPolicyKey): TagRequirement {
  const values = k.values
  if (values === undefined || values.includes('*') || values.length === 0) return { key: k.tagKey }
  if (!values.some((v) => v.includes('*'))) return { key: k.tagKey, allowedValues: [...values] }
  return { key: k.tagKey, pattern: `^(?:${values.map(wildcardToRegex).join('|')})$` }
}

/** The comment lines written above a requirement: where it came from and what it means. */
export function requirementComment(k: TagPolicyKey): string[] {
  const lines = [`from tag policy key \`${k.policyKey}\` (${k.sources.join(', ')})`]
  if (!k.tagKeyExplicit) lines.push('no tag_key in the policy: AWS requires the lower-case spelling')
  if (k.values === undefined) lines.push('no tag_value in the policy: any value is compliant')
  else if (k.values.includes('*')) lines.push('tag_value `*`: any value is compliant')
  else if (k.values.some((v) => v.includes('*'))) lines.push(`tag_value ${k.values.map((v) => JSON.stringify(v)).join(', ')} (\`*\` matches any characters)`)
  if (k.values?.includes('')) lines.push('the policy allows an empty value, but tagwarden reports a blank required tag (principal-missing-tag)')
  if (k.childMayChangeValues) lines.push('child policies may change these values for some OUs or accounts (use --account for one account\'s effective policy)')
  if (k.enforcedFor) lines.push(`enforced_for: ${k.enforcedFor.join(', ')}`)
  return lines
}
