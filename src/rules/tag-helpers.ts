/** Tag lookups shared by the tag rules. Keys match exactly: cost allocation tags are case-sensitive. */
import { awsTagsArg, escapeControl, shellQuote } from '../util/escape.js'
import type { Tag } from '../model/inventory.js'

export type TagState =
  | { state: 'present'; value: string }
  | { state: 'blank'; value: string }
  | { state: 'missing'; nearMiss?: Tag }

export function tagState(tags: readonly Tag[], key: string): TagState {
  const exact = tags.find((t) => t.key === key)
  if (exact) return exact.value.trim() === '' ? { state: 'blank', value: exact.value } : { state: 'present', value: exact.value }
  const lower = key.toLowerCase()
  const near = tags.find((t) => t.key.toLowerCase() === lower || t.key.trim().toLowerCase() === lower)
  return near ? { state: 'missing', nearMiss: near } : { state: 'missing' }
}

/** The effective session-tag override is out of scope here: role tags only. */
export function hasRequiredTag(tags: readonly Tag[], key: string): boolean {
  return tagState(tags, key).state === 'present'
}

export function describeTagProblem(key: string, s: TagState): string {
  if (s.state === 'blank') return interned(`its \`${key}\` tag is empty`)
  if (s.state === 'missing' && s.nearMiss) return interned(`it has \`${s.nearMiss.key}\` instead (cost allocation tags are case-sensitive: \`${s.nearMiss.key}\` is not \`${key}\`)`)
  return interned(`it has no \`${key}\` tag`)
}
/**
 * One string per distinct problem (a few per tag key), kept by every finding that states it: a copy per
 * missing-tag finding was 2 MB of /tmp/org100k-fh's heap (51,812 copies of "it has no `team` tag").
 */
const problems = new Map<string, string>()
function interned(text: string): string {
  const known = problems.get(text)
  if (known !== undefined) return known
  problems.set(text, text)
  return text
}

/**
 * How to fix a missing or wrong tag: the CLI command for a live principal; for an IaC resource, where to
 * add it (the full snippet goes into the finding's fix).
 */
export function tagCommand(
  p: { kind: 'user' | 'role'; name: string; origin?: { logicalId?: string; address?: string; constructPath?: string } },
  key: string,
  value = '<value>',
): string {
  const resource = p.origin?.constructPath ?? p.origin?.address ?? p.origin?.logicalId
  if (resource) return `add ${escapeControl(key)}=${escapeControl(value)} to the tags of ${escapeControl(resource)}`
  return tagCli(p, key, value)
}

/** `aws iam tag-role|tag-user`, every value from data shell-quoted. */
export function tagCli(p: { kind: 'user' | 'role'; name: string }, key: string, value: string): string {
  return `aws iam tag-${p.kind} --${p.kind}-name ${shellQuote(p.name)} --tags ${awsTagsArg(key, value)}`
}

/** `aws iam untag-role|untag-user`, every value from data shell-quoted. */
export function untagCli(p: { kind: 'user' | 'role'; name: string }, key: string): string {
  return `aws iam untag-${p.kind} --${p.kind}-name ${shellQuote(p.name)} --tag-keys ${shellQuote(key)}`
}

/** "bedrock:InvokeModel, bedrock:Converse…" shortened for messages; the evidence keeps the full list. */
export function summarizeActions(actions: readonly string[]): string {
  // Principals with the same policies share one actions array: one string for all their findings.
  let s = summaries.get(actions)
  if (s === undefined) {
    s = actions.length <= 3 ? actions.join(', ') : `${actions.slice(0, 2).join(', ')} and ${actions.length - 2} more inference actions`
    summaries.set(actions, s)
  }
  return s
}
const summaries = new WeakMap<readonly string[], string>()
