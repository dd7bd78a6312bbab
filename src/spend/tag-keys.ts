/**
 * Which Cost Explorer tag key strings stand for a required principal tag, and whether one is active.
 *
 * The exact key string of an IAM principal tag in the Cost Explorer APIs is not documented: CUR 2.0
 * shows `iamPrincipal/<key>`, some tools use `user:iamPrincipal/<key>`. Both count; a bare `<key>` is
 * a resource tag, which principal and session tags never feed. Whatever AWS listed is reported as is.
 */
import type { CostAllocationTagEntry } from './model.js'
import type { ActivationState } from '../model/spend.js'

const IAM_PRINCIPAL_RE = /^(?:user:)?iamPrincipal\/(.+)$/

/** The principal tag key behind a cost allocation key (`iamPrincipal/team` → `team`), else undefined. */
export function iamPrincipalKeyOf(costKey: string): string | undefined {
  return IAM_PRINCIPAL_RE.exec(costKey)?.[1]
}

/** The resource tag key behind a cost allocation key (`team`, legacy `user:team`), else undefined. */
export function resourceKeyOf(costKey: string): string | undefined {
  if (iamPrincipalKeyOf(costKey) !== undefined) return undefined
  if (costKey.startsWith('aws:')) return undefined
  return costKey.startsWith('user:') ? costKey.slice('user:'.length) : costKey
}

export function isActive(t: Pick<CostAllocationTagEntry, 'status'>): boolean {
  return t.status.toLowerCase() === 'active'
}

/** What is active instead of the required key, and why it does not count. */
export interface ActiveInstead {
  tagKey: string
  why: 'other-case' | 'resource-tag'
}

export interface KeyActivation {
  /** The required key (`team`). */
  tagKey: string
  state: ActivationState
  /** The exact string to group by (active) or to activate (inactive): as AWS listed it. */
  costKey?: string
  /** Every listed entry for exactly this key (either prefix), active first. */
  listed: CostAllocationTagEntry[]
  /** Active entries that look like the key but do not count: another case, or a resource tag. */
  activeInstead: ActiveInstead[]
  /** Inactive look-alikes, for the report. */
  inactiveLookAlikes: CostAllocationTagEntry[]
}

/** The key string we suggest when AWS lists none: the CUR 2.0 form. */
export function defaultCostKey(tagKey: string): string {
  return `iamPrincipal/${tagKey}`
}

// `iamPrincipal/…` before `user:iamPrincipal/…`: it is the form AWS documents for CUR 2.0.
const byPreference = (a: CostAllocationTagEntry, b: CostAllocationTagEntry): number =>
  Number(isActive(b)) - Number(isActive(a)) || Number(a.tagKey.startsWith('user:')) - Number(b.tagKey.startsWith('user:')) || (a.tagKey < b.tagKey ? -1 : a.tagKey > b.tagKey ? 1 : 0)

/** The activation state of one required key among the cost allocation tags AWS listed. */
export function activationOf(tagKey: string, tags: readonly CostAllocationTagEntry[]): KeyActivation {
  const lower = tagKey.toLowerCase()
  const listed = tags.filter((t) => iamPrincipalKeyOf(t.tagKey) === tagKey).sort(byPreference)
  const lookAlikes = tags
    .filter((t) => {
      const principal = iamPrincipalKeyOf(t.tagKey)
      if (principal !== undefined) return principal !== tagKey && principal.toLowerCase() === lower
      return resourceKeyOf(t.tagKey)?.toLowerCase() === lower
    })
    .sort(byPreference)
  const activeInstead: ActiveInstead[] = lookAlikes
    .filter(isActive)
    .map((t) => ({ tagKey: t.tagKey, why: iamPrincipalKeyOf(t.tagKey) !== undefined ? 'other-case' : 'resource-tag' }))
  const inactiveLookAlikes = lookAlikes.filter((t) => !isActive(t))
  const first = listed[0]
  const base = { tagKey, listed, activeInstead, inactiveLookAlikes }
  if (!first) return { ...base, state: 'not-listed' }
  return { ...base, state: isActive(first) ? 'active' : 'inactive', costKey: first.tagKey }
}

/** `iamPrincipal/Team` (IAM principal tag in another case) and `team` (resource tag). */
export function describeActiveInstead(items: readonly ActiveInstead[]): string {
  const parts = items.map((i) => `\`${i.tagKey}\` (${i.why === 'other-case' ? 'an IAM principal tag in another case' : 'a resource tag'})`)
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}

/** The AWS CLI command that activates a cost allocation tag. */
export function activationCommand(costKey: string): string {
  return `aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${costKey},Status=Active`
}
