/**
 * The compact org-wide index, built while accounts stream past: what cross-account rules need
 * (gateway identities, account names, tag-key statistics), and nothing per principal beyond that.
 */
import type { IdentityCenterData } from '../model/identity-center.js'
import type { PermissionSetView } from './identity-center.js'
import type { OrgAccount, Tag } from '../model/inventory.js'

export interface GatewayEntry {
  arn: string
  accountId: string
  name: string
  id?: string
  reason: string
}

export interface OrgIndex {
  /** From `organizations list-accounts` (when given). */
  accounts: Map<string, OrgAccount>
  /** Accounts whose IAM data was read. */
  scannedAccounts: Set<string>
  gatewaysByArn: Map<string, GatewayEntry>
  gatewaysById: Map<string, GatewayEntry>
  /** Lower-cased tag key → exact key as written → how many principals / in which accounts. */
  tagKeyVariants: Map<string, Map<string, { principals: number; accounts: Set<string> }>>
  /** Account → OU path (root first), when known (live org scans). */
  ouPaths: Map<string, string[]>
  /**
   * IAM Identity Center (instances, attributes for access control, permission sets), when a source read it;
   * `notCaptured` says why not when a source tried. Absent: no source knows anything about it.
   */
  identityCenter?: IdentityCenterData
  /** Phase two: Identity Center's permission sets joined to their roles (rule `identity-center-session-tags`). */
  permissionSets?: PermissionSetView[]
}

/** Adds what one source read about Identity Center (several sources: their instances together). */
export function addIdentityCenter(index: OrgIndex, data: IdentityCenterData): void {
  const prev = index.identityCenter
  if (!prev) {
    index.identityCenter = data
    return
  }
  // A template's or plan's view of an instance is its own: several templates may define permission sets of one instance.
  const key = (i: IdentityCenterData['instances'][number]): string => (i.iac ? `${i.arn}\u0000${i.iac.file}` : i.arn)
  const known = new Set(prev.instances.map(key))
  const merged: IdentityCenterData = { instances: [...prev.instances, ...data.instances.filter((i) => !known.has(key(i)))] }
  // Captured by one source is captured.
  if (merged.instances.length === 0 && (prev.notCaptured ?? data.notCaptured)) merged.notCaptured = (prev.notCaptured ?? data.notCaptured)!
  index.identityCenter = merged
}

export function emptyIndex(): OrgIndex {
  return {
    accounts: new Map(),
    scannedAccounts: new Set(),
    gatewaysByArn: new Map(),
    gatewaysById: new Map(),
    tagKeyVariants: new Map(),
    ouPaths: new Map(),
  }
}

export function addGateway(index: OrgIndex, g: GatewayEntry): void {
  index.gatewaysByArn.set(g.arn, g)
  if (g.id) index.gatewaysById.set(g.id, g)
}

export function countTagKeys(index: OrgIndex, accountId: string, tags: Tag[]): void {
  for (const t of tags) {
    const lower = t.key.toLowerCase()
    let variants = index.tagKeyVariants.get(lower)
    if (!variants) index.tagKeyVariants.set(lower, (variants = new Map()))
    let v = variants.get(t.key)
    if (!v) variants.set(t.key, (v = { principals: 0, accounts: new Set() }))
    v.principals++
    v.accounts.add(accountId)
  }
}

/**
 * Adds what one account contributed to a fresh index of its own (a phase-one worker thread's): the same
 * index, in the same insertion order, as if the account had been analysed on `index` directly.
 */
export function addAccountIndex(index: OrgIndex, part: Pick<OrgIndex, 'scannedAccounts' | 'gatewaysByArn' | 'gatewaysById' | 'tagKeyVariants'>): void {
  for (const [arn, g] of part.gatewaysByArn) index.gatewaysByArn.set(arn, g)
  for (const [id, g] of part.gatewaysById) index.gatewaysById.set(id, g)
  for (const [lower, variants] of part.tagKeyVariants) {
    let into = index.tagKeyVariants.get(lower)
    if (!into) index.tagKeyVariants.set(lower, (into = new Map()))
    for (const [key, v] of variants) {
      const have = into.get(key)
      if (!have) {
        into.set(key, v)
        continue
      }
      have.principals += v.principals
      for (const a of v.accounts) have.accounts.add(a)
    }
  }
  for (const a of part.scannedAccounts) index.scannedAccounts.add(a)
}
