/**
 * AWS Organizations tag policies, read for `tagwarden init --from-tag-policy`.
 *
 * A tag policy is `{"tags": {<policy key>: {"tag_key": …, "tag_value": …, "enforced_for": …}}}` where
 * each field is either written with inheritance operators (`{"@@assign": "CostCenter"}`, `@@append`,
 * `@@remove`, `@@operators_allowed_for_child_policies`) in a policy as attached, or as a plain value in
 * an effective policy (`DescribeEffectivePolicy`). Semantics taken from the AWS Organizations guide:
 *
 * - the policy key matches `tag_key` case-insensitively; `tag_key` fixes the capitalisation that is
 *   compliant, and without it lower case is the default;
 * - `tag_value` lists the compliant values (case-sensitive); each may hold one `*` wildcard
 *   (`300*`, `*@example.com`; `*@*.com` is invalid) and `*` alone allows any value; without
 *   `tag_value` any value, or none, is compliant;
 * - `enforced_for` only decides which resource types AWS blocks non-compliant tagging on.
 */
import { TagwardenError } from '../errors.js'
import { isObject } from '../util/json.js'

/** A tag policy that cannot be read or is not valid tag policy syntax. Exit code 2. */
export class TagPolicyError extends TagwardenError {}

export interface TagPolicyKey {
  /** The policy key as written (matches `tagKey` case-insensitively). */
  policyKey: string
  /** The compliant capitalisation. */
  tagKey: string
  /** false when `tag_key` was absent and lower case was assumed. */
  tagKeyExplicit: boolean
  /** Compliant values; undefined when any value is compliant. May contain one `*` per value. */
  values?: string[]
  enforcedFor?: string[]
  /** A policy as attached (not an effective policy) whose values child policies may still change. */
  childMayChangeValues: boolean
  /** Which policies the key came from. */
  sources: string[]
}

export interface ParsedTagPolicy {
  source: string
  effective: boolean
  keys: TagPolicyKey[]
  warnings: string[]
}

/** One tag policy document as fetched or read: its JSON text and where it came from. */
export interface TagPolicyDocument {
  source: string
  content: string
  /** An effective policy (`DescribeEffectivePolicy`): plain values, no inheritance operators. */
  effective: boolean
}

const OPERATORS = new Set(['@@assign', '@@append', '@@remove', '@@operators_allowed_for_child_policies'])


interface FieldValue<T> {
  assign?: T
  append?: T
  remove?: T
  childOperators?: string[]
}

/** `{"@@assign": x, …}` or a plain `x` (effective policies). */
function field(v: unknown): FieldValue<unknown> {
  if (!isObject(v) || !Object.keys(v).some((k) => OPERATORS.has(k))) return { assign: v }
  const out: FieldValue<unknown> = {}
  if ('@@assign' in v) out.assign = v['@@assign']
  if ('@@append' in v) out.append = v['@@append']
  if ('@@remove' in v) out.remove = v['@@remove']
  const ops = v['@@operators_allowed_for_child_policies']
  if (Array.isArray(ops)) out.childOperators = ops.map(String)
  return out
}

function stringList(v: unknown, what: string, source: string): string[] {
  const list = typeof v === 'string' ? [v] : v
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
    throw new TagPolicyError('tag-policy-invalid', `${source}: ${what} must be a string or a list of strings`, 'see the tag policy syntax in the AWS Organizations user guide')
  }
  return list as string[]
}

/** More than one `*` in a value is rejected by AWS, so the policy cannot have come from an organization. */
function checkWildcards(values: readonly string[], where: string, source: string): void {
  for (const v of values) {
    if ((v.match(/\*/g) ?? []).length > 1) {
      throw new TagPolicyError('tag-policy-invalid', `${source}: ${where} value \`${v}\` has more than one \`*\`; a tag policy allows one wildcard per value`, 'write e.g. `*@example.com`, not `*@*.com`')
    }
  }
}

/** Parse one tag policy document (its JSON text). */
export function parseTagPolicy(doc: TagPolicyDocument): ParsedTagPolicy {
  let json: unknown
  try {
    json = JSON.parse(doc.content)
  } catch (e) {
    throw new TagPolicyError('tag-policy-invalid', `${doc.source}: not valid JSON: ${(e as Error).message}`, 'give the tag policy document (the JSON with a top-level "tags" object)')
  }
  if (!isObject(json) || !isObject(json.tags)) {
    throw new TagPolicyError('tag-policy-invalid', `${doc.source}: not a tag policy: expected a top-level "tags" object`, 'give the JSON of a tag policy, `aws organizations describe-policy` output, or `aws organizations describe-effective-policy --policy-type TAG_POLICY` output')
  }
  const warnings: string[] = []
  const keys: TagPolicyKey[] = []
  for (const [policyKey, raw] of Object.entries(json.tags)) {
    if (!isObject(raw)) throw new TagPolicyError('tag-policy-invalid', `${doc.source}: tags.${policyKey} must be an object`)
    const where = `tags.${policyKey}`
    const keyField = raw.tag_key === undefined ? undefined : field(raw.tag_key)
    const assignedKey = keyField?.assign
    if (assignedKey !== undefined && typeof assignedKey !== 'string') throw new TagPolicyError('tag-policy-invalid', `${doc.source}: ${where}.tag_key must be a string`)
    const tagKey = typeof assignedKey === 'string' ? assignedKey : policyKey.toLowerCase()
    if (tagKey.toLowerCase() !== policyKey.toLowerCase()) {
      warnings.push(`${doc.source}: ${where}: tag_key \`${tagKey}\` does not match its policy key \`${policyKey}\` (AWS requires them to be equal apart from case); using \`${tagKey}\``)
    }
    if (assignedKey === undefined) warnings.push(`${doc.source}: ${where} has no tag_key; AWS then requires the lower-case key \`${tagKey}\``)

    let values: string[] | undefined
    let childMayChangeValues = false
    if (raw.tag_value !== undefined) {
      const f = field(raw.tag_value)
      if (f.assign !== undefined) values = stringList(f.assign, `${where}.tag_value`, doc.source)
      if (f.append !== undefined) {
        if (values === undefined) warnings.push(`${doc.source}: ${where}.tag_value only appends (@@append) to values inherited from a parent policy that is not in this input; only the appended values are used`)
        values = [...(values ?? []), ...stringList(f.append, `${where}.tag_value @@append`, doc.source)]
      }
      if (f.remove !== undefined) {
        const removed = stringList(f.remove, `${where}.tag_value @@remove`, doc.source)
        if (values === undefined) warnings.push(`${doc.source}: ${where}.tag_value removes (@@remove) ${removed.map((v) => `\`${v}\``).join(', ')} from inherited values that are not in this input; ignored`)
        else values = values.filter((v) => !removed.includes(v))
      }
      // Without the operator list every child operator is allowed.
      childMayChangeValues = !doc.effective && !(f.childOperators?.length === 1 && f.childOperators[0] === '@@none')
      if (values) {
        checkWildcards(values, `${where}.tag_value`, doc.source)
        values = [...new Set(values)]
      }
    }
    let enforcedFor: string[] | undefined
    if (raw.enforced_for !== undefined) {
      const f = field(raw.enforced_for)
      if (f.assign !== undefined) enforcedFor = stringList(f.assign, `${where}.enforced_for`, doc.source)
    }
    keys.push({
      policyKey,
      tagKey,
      tagKeyExplicit: assignedKey !== undefined,
      ...(values !== undefined ? { values } : {}),
      ...(enforcedFor !== undefined ? { enforcedFor } : {}),
      childMayChangeValues,
      sources: [doc.source],
    })
  }
  return { source: doc.source, effective: doc.effective, keys, warnings }
}

/**
 * Documents in a file given to `--from-tag-policy FILE`: a tag policy, `describe-policy` output
 * (`Policy.Content`), `describe-effective-policy` output (`EffectivePolicy.PolicyContent`), or a list
 * of any of these.
 */
export function tagPolicyDocumentsFromFile(text: string, file: string): TagPolicyDocument[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new TagPolicyError('tag-policy-invalid', `${file}: not valid JSON: ${(e as Error).message}`, 'give the JSON of a tag policy')
  }
  const one = (v: unknown, label: string): TagPolicyDocument => {
    if (isObject(v) && isObject(v.Policy) && typeof v.Policy.Content === 'string') {
      const summary = isObject(v.Policy.PolicySummary) ? v.Policy.PolicySummary : {}
      if (summary.Type !== undefined && summary.Type !== 'TAG_POLICY') {
        throw new TagPolicyError('tag-policy-invalid', `${label}: policy type is ${String(summary.Type)}, not TAG_POLICY`)
      }
      return { source: typeof summary.Name === 'string' ? `${label} (${summary.Name})` : label, content: v.Policy.Content, effective: false }
    }
    if (isObject(v) && isObject(v.EffectivePolicy) && typeof v.EffectivePolicy.PolicyContent === 'string') {
      const e = v.EffectivePolicy
      if (e.PolicyType !== undefined && e.PolicyType !== 'TAG_POLICY') {
        throw new TagPolicyError('tag-policy-invalid', `${label}: effective policy type is ${String(e.PolicyType)}, not TAG_POLICY`)
      }
      return { source: typeof e.TargetId === 'string' ? `${label} (effective for ${e.TargetId})` : label, content: e.PolicyContent as string, effective: true }
    }
    return { source: label, content: JSON.stringify(v), effective: false }
  }
  return Array.isArray(json) ? json.map((v, i) => one(v, `${file}[${i}]`)) : [one(json, file)]
}

/**
 * Several policies (ListPolicies without an account) in one set of keys, by policy key. They may be
 * attached to different OUs, so this is an approximation: values are united, and the first spelling
 * of a key wins, with a warning when policies disagree.
 */
export function mergeTagPolicies(policies: readonly ParsedTagPolicy[]): { keys: TagPolicyKey[]; warnings: string[] } {
  const warnings = policies.flatMap((p) => p.warnings)
  const byKey = new Map<string, TagPolicyKey>()
  for (const p of policies) {
    for (const k of p.keys) {
      const id = k.policyKey.toLowerCase()
      const prior = byKey.get(id)
      if (!prior) {
        byKey.set(id, { ...k, sources: [...k.sources] })
        continue
      }
      if (prior.tagKey !== k.tagKey && k.tagKeyExplicit) {
        warnings.push(`tag key \`${id}\` is spelt \`${prior.tagKey}\` in ${prior.sources.join(', ')} but \`${k.tagKey}\` in ${k.sources.join(', ')}; using \`${prior.tagKey}\` (use --account for one account's effective policy)`)
      }
      const values = prior.values === undefined || k.values === undefined ? undefined : [...new Set([...prior.values, ...k.values])]
      const merged: TagPolicyKey = {
        ...prior,
        childMayChangeValues: prior.childMayChangeValues || k.childMayChangeValues,
        sources: [...prior.sources, ...k.sources],
      }
      if (values) merged.values = values
      else delete merged.values
      byKey.set(id, merged)
    }
  }
  return { keys: [...byKey.values()], warnings }
}
