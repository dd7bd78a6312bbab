/**
 * The Organization as the analysis needs it (accounts, management account, OU paths, service control
 * policies per level), built from the raw Organizations outputs. Pure: the live scan builds it from API
 * responses and a collected snapshot from the same outputs read back from disk, so both agree.
 */
import { parsePolicyDocument } from '../../iam/policy-document.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import type { OrgAccount } from '../../model/inventory.js'
import type { AttachedPolicy, PolicyDocument } from '../../model/policy.js'
import { orgAccountsRecogniser } from '../snapshot/org-accounts.js'
import { isJsonObject, type JsonObject } from '../snapshot/recogniser.js'

export const SCP_TYPE = 'SERVICE_CONTROL_POLICY'

/** Everything the scan read from AWS Organizations, response by response. */
export interface RawOrgOutputs {
  describeOrganization?: unknown
  /** `ListAccounts` pages. */
  listAccounts: unknown[]
  /** `ListRoots` pages. */
  listRoots: unknown[]
  /** `ListParents` for each account and OU on the way to the root. */
  listParents: Array<{ childId: string; output: unknown }>
  /** `ListPolicies` (Filter=SERVICE_CONTROL_POLICY) pages; empty when SCPs were not read. */
  listPolicies: unknown[]
  describePolicy: unknown[]
  listTargetsForPolicy: Array<{ policyId: string; output: unknown }>
}

export function emptyRawOrg(): RawOrgOutputs {
  return { listAccounts: [], listRoots: [], listParents: [], listPolicies: [], describePolicy: [], listTargetsForPolicy: [] }
}

export interface ScpPolicy {
  id: string
  name: string
  arn?: string
  document: PolicyDocument
}

export interface OrgModel {
  organizationId?: string
  managementAccountId?: string
  rootId?: string
  /** SERVICE_CONTROL_POLICY is ENABLED on the root: SCPs are enforced. */
  scpEnabled: boolean
  accounts: OrgAccount[]
  /** Child (account or OU) → parent (OU or root). */
  parents: Map<string, string>
  /** Present only when every SCP and its targets were read: applying a partial set would be wrong. */
  scps?: { policies: Map<string, ScpPolicy>; byTarget: Map<string, string[]> }
  /** Why SCPs are not applied (unset when they are, or when SCPs are not enabled). */
  scpsUnavailable?: string
}

const str = (o: JsonObject, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined)
const list = (o: unknown, k: string): unknown[] => (isJsonObject(o) && Array.isArray(o[k]) ? (o[k] as unknown[]) : [])

const ORG_ARN_ACCOUNT_RE = /^arn:[\w-]+:organizations::(\d{12}):account\//

export function buildOrgModel(raw: RawOrgOutputs, source: string): { model: OrgModel; errors: ScanErrorEntry[] } {
  const errors: ScanErrorEntry[] = []
  const model: OrgModel = { scpEnabled: false, accounts: [], parents: new Map() }

  const org = isJsonObject(raw.describeOrganization) && isJsonObject(raw.describeOrganization.Organization) ? raw.describeOrganization.Organization : undefined
  if (org) {
    const id = str(org, 'Id')
    const mgmt = str(org, 'MasterAccountId')
    if (id) model.organizationId = id
    if (mgmt) model.managementAccountId = mgmt
  }

  const seen = new Set<string>()
  raw.listAccounts.forEach((page, i) => {
    if (!isJsonObject(page)) return
    for (const a of orgAccountsRecogniser.read(page, { file: `${source}#ListAccounts/${i + 1}`, report: (e) => errors.push(e) })) {
      if (seen.has(a.id)) continue
      seen.add(a.id)
      model.accounts.push(a)
    }
    // Every account ARN names the management account: `arn:aws:organizations::<management>:account/o-…/<id>`.
    if (!model.managementAccountId) {
      for (const a of list(page, 'Accounts')) {
        const m = isJsonObject(a) ? ORG_ARN_ACCOUNT_RE.exec(str(a, 'Arn') ?? '') : null
        if (m?.[1]) model.managementAccountId = m[1]
      }
    }
  })

  for (const page of raw.listRoots) {
    for (const r of list(page, 'Roots')) {
      if (!isJsonObject(r)) continue
      const id = str(r, 'Id')
      if (id) model.rootId = id
      model.scpEnabled = list(r, 'PolicyTypes').some((t) => isJsonObject(t) && t.Type === SCP_TYPE && t.Status === 'ENABLED')
    }
  }

  for (const { childId, output } of raw.listParents) {
    const parent = list(output, 'Parents').find(isJsonObject)
    const id = parent ? str(parent, 'Id') : undefined
    if (id) model.parents.set(childId, id)
  }

  if (model.scpEnabled) buildScps(raw, source, model, errors)
  return { model, errors }
}

function buildScps(raw: RawOrgOutputs, source: string, model: OrgModel, errors: ScanErrorEntry[]): void {
  const listed = raw.listPolicies.flatMap((p) => list(p, 'Policies')).filter(isJsonObject)
  if (listed.length === 0) {
    model.scpsUnavailable = 'the service control policies were not read'
    return
  }
  const contents = new Map<string, JsonObject>()
  for (const d of raw.describePolicy) {
    const pol = isJsonObject(d) && isJsonObject(d.Policy) ? d.Policy : undefined
    const summary = pol && isJsonObject(pol.PolicySummary) ? pol.PolicySummary : undefined
    const id = summary ? str(summary, 'Id') : undefined
    if (pol && id) contents.set(id, pol)
  }
  const targetsRead = new Set(raw.listTargetsForPolicy.map((t) => t.policyId))
  const policies = new Map<string, ScpPolicy>()
  const byTarget = new Map<string, string[]>()
  const missing: string[] = []
  for (const summary of listed) {
    const id = str(summary, 'Id')
    if (!id || (summary.Type !== undefined && summary.Type !== SCP_TYPE)) continue
    const pol = contents.get(id)
    const name = str(summary, 'Name') ?? id
    if (!pol || !targetsRead.has(id)) {
      missing.push(name)
      continue
    }
    try {
      const p: ScpPolicy = { id, name, document: parsePolicyDocument(pol.Content) }
      const arn = str(summary, 'Arn')
      if (arn) p.arn = arn
      policies.set(id, p)
    } catch (e) {
      errors.push({
        source: `${source}#DescribePolicy/${id}`,
        subject: str(summary, 'Arn') ?? id,
        code: 'invalid-policy-document',
        message: `service control policy ${name} (${id}) cannot be read: ${(e as Error).message}`,
        hint: 'fix the policy in AWS Organizations; until then tagwarden evaluates Bedrock access without any SCP',
      })
      missing.push(name)
    }
  }
  if (missing.length > 0) {
    model.scpsUnavailable = `service control policies ${missing.join(', ')} could not be read`
    return
  }
  for (const { policyId, output } of raw.listTargetsForPolicy) {
    if (!policies.has(policyId)) continue
    for (const t of list(output, 'Targets')) {
      const target = isJsonObject(t) ? str(t, 'TargetId') : undefined
      if (!target) continue
      const ids = byTarget.get(target) ?? []
      if (!ids.includes(policyId)) ids.push(policyId)
      byTarget.set(target, ids)
    }
  }
  for (const ids of byTarget.values()) ids.sort()
  model.scps = { policies, byTarget }
}

/** Root first, then each OU down to the account's parent; undefined when the chain is not known. */
export function ouPathOf(model: Pick<OrgModel, 'parents' | 'rootId'>, accountId: string): string[] | undefined {
  const path: string[] = []
  let node = model.parents.get(accountId)
  for (let depth = 0; node !== undefined && depth < 10; depth++) {
    path.unshift(node)
    if (node.startsWith('r-')) return path
    node = model.parents.get(node)
  }
  return undefined
}

/**
 * The SCPs that apply to an account, one list per level (root, OUs…, the account itself), or undefined
 * when SCPs are not enforced, not known, or the account is the management account (SCPs never restrict it).
 */
export function scpLevelsFor(model: OrgModel, accountId: string): AttachedPolicy[][] | undefined {
  if (!model.scpEnabled || !model.scps || accountId === model.managementAccountId) return undefined
  const path = ouPathOf(model, accountId)
  if (!path) return undefined
  const scps = model.scps
  return [...path, accountId].map((node) =>
    (scps.byTarget.get(node) ?? []).flatMap((id) => {
      const p = scps.policies.get(id)
      if (!p) return []
      return [{ source: { kind: 'scp' as const, name: p.name, ...(p.arn ? { arn: p.arn } : {}) }, document: p.document }]
    }),
  )
}

