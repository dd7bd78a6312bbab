/**
 * Phase one of the two-phase analysis: turn one account's raw inventory into compact facts.
 * Every principal's Bedrock capability is decided here (shared policy documents are evaluated once,
 * through the cache); only Bedrock-capable principals and gateways are kept for the rules phase.
 */
import type { PrincipalFacts } from './facts.js'
import { addGateway, countTagKeys, type OrgIndex } from './org-index.js'
import { gatewayReason } from './gateways.js'
import { evaluateBedrockCapability, type PolicyEvalCache } from '../iam/capability.js'
import { isAwsManagedPolicyArn, lookupAwsManagedPolicy } from '../iam/managed-policy-catalog.js'
import { isServiceLinkedRolePath } from '../iam/arn.js'
import type { AccountInventory, IamPrincipal, ManagedPolicy } from '../model/inventory.js'
import type { ScanErrorEntry } from '../model/finding.js'
import type { AttachedPolicy, PolicyDocument, PolicySource } from '../model/policy.js'
import type { ResolvedSettings } from '../config/types.js'

export interface AccountAnalysis {
  accountId: string
  facts: PrincipalFacts[]
  counts: { users: number; roles: number; skippedServiceLinked: number }
  errors: ScanErrorEntry[]
}

/** What the analysis of one account reads from the settings (a phase-one worker thread gets just this). */
export type AccountAnalysisSettings = Pick<ResolvedSettings, 'inferenceActions' | 'gateways'>

export interface AnalyzeOptions {
  settings: AccountAnalysisSettings
  cache: PolicyEvalCache
  index: OrgIndex
}

export function analyzeAccount(inv: AccountInventory, opts: AnalyzeOptions): AccountAnalysis {
  const { settings, cache, index } = opts
  const errors: ScanErrorEntry[] = []
  const unresolved = new Set<string>()
  const resolveManaged = (arn: string): ManagedPolicy | undefined => {
    const own = inv.managedPolicies.get(arn)
    if (own) return own
    if (isAwsManagedPolicyArn(arn)) {
      const cat = lookupAwsManagedPolicy(arn)
      if (cat) return { arn: cat.arn, name: cat.name, document: cat.document, defaultVersionId: cat.versionId }
    }
    if (!unresolved.has(arn)) {
      unresolved.add(arn)
      errors.push({
        source: inv.sources[0] ?? `account ${inv.accountId}`,
        accountId: inv.accountId,
        subject: arn,
        code: 'unresolved-managed-policy',
        message: isAwsManagedPolicyArn(arn)
          ? `AWS managed policy ${arn} is attached but is neither in the snapshot nor in tagwarden's bundled catalog; principals using it were analysed without it`
          : `customer managed policy ${arn} is attached but its document is not in the snapshot; principals using it were analysed without it`,
        hint: 'export with `aws iam get-account-authorization-details` without `--filter` (or add `LocalManagedPolicy AWSManagedPolicy` to the filter) so policy documents are included',
      })
    }
    return undefined
  }
  const managed = (arn: string, kind: PolicySource['kind'], group?: string): AttachedPolicy | undefined => {
    const p = resolveManaged(arn)
    if (!p) return undefined
    const source: PolicySource = { kind, name: p.name, arn }
    if (group !== undefined) source.group = group
    return { source, document: p.document }
  }
  // Thousands of principals attach the same few policies: resolve each (ARN, kind) once per account.
  const attachedByKind = new Map<PolicySource['kind'], Map<string, AttachedPolicy | undefined>>()
  const attachedOnce = (arn: string, kind: 'managed' | 'boundary'): AttachedPolicy | undefined => {
    let byArn = attachedByKind.get(kind)
    if (!byArn) attachedByKind.set(kind, (byArn = new Map()))
    if (byArn.has(arn)) return byArn.get(arn)
    const a = managed(arn, kind)
    byArn.set(arn, a)
    return a
  }
  const groups = new Map(inv.groups.map((g) => [g.name, g]))
  /** A group's policies and the notes about them, resolved on first use. */
  const groupPolicies = new Map<string, { policies: AttachedPolicy[]; notes: string[] }>()
  const policiesOfGroup = (g: (typeof inv.groups)[number]): { policies: AttachedPolicy[]; notes: string[] } => {
    let hit = groupPolicies.get(g.name)
    if (hit) return hit
    hit = { policies: [], notes: [] }
    for (const ip of g.inlinePolicies) {
      hit.policies.push({ source: { kind: 'group-inline', name: ip.name, group: g.name }, document: ip.document })
    }
    for (const arn of g.attachedPolicyArns) {
      const a = managed(arn, 'group-managed', g.name)
      if (a) hit.policies.push(a)
      else hit.notes.push(`policy ${arn} of group ${g.name} could not be resolved`)
    }
    groupPolicies.set(g.name, hit)
    return hit
  }
  const apiKeysByUser = new Map<string, typeof inv.apiKeys>()
  for (const k of inv.apiKeys) {
    const list = apiKeysByUser.get(k.userName)
    if (list) list.push(k)
    else apiKeysByUser.set(k.userName, [k])
  }
  const facts: PrincipalFacts[] = []
  let skippedServiceLinked = 0

  const analyse = (p: IamPrincipal): void => {
    countTagKeys(index, inv.accountId, p.tags)
    if (p.kind === 'role' && isServiceLinkedRolePath(p.path)) {
      skippedServiceLinked++
      return
    }
    // Allocated only when there is something to say: most principals have no notes.
    let notes: string[] | undefined = p.origin?.notEvaluated ? [...p.origin.notEvaluated] : undefined
    const note = (n: string): void => {
      ;(notes ??= []).push(n)
    }
    const identity: AttachedPolicy[] = []
    for (const ip of p.inlinePolicies) identity.push({ source: { kind: 'inline', name: ip.name }, document: ip.document })
    for (const arn of p.attachedPolicyArns) {
      const a = attachedOnce(arn, 'managed')
      if (a) identity.push(a)
      else note(`attached policy ${arn} could not be resolved`)
    }
    if (p.kind === 'user') {
      for (const gname of p.groups) {
        const g = groups.get(gname)
        if (!g) {
          note(`group ${gname} is not in the snapshot`)
          continue
        }
        const gp = policiesOfGroup(g)
        for (const a of gp.policies) identity.push(a)
        for (const n of gp.notes) note(n)
      }
    }
    const input: Parameters<typeof evaluateBedrockCapability>[0] = { identity, partition: p.partition }
    if (inv.scpLevels) input.scps = inv.scpLevels
    if (p.permissionsBoundaryArn) {
      const b = attachedOnce(p.permissionsBoundaryArn, 'boundary')
      if (b) input.boundary = b
      else note(`permissions boundary ${p.permissionsBoundaryArn} could not be resolved; evaluated without it`)
    }
    const capability = evaluateBedrockCapability(input, settings.inferenceActions, cache)
    const gw =
      p.kind === 'role'
        ? gatewayReason(
            {
              arn: p.arn,
              name: p.name,
              tags: p.tags,
              ...(p.origin?.logicalId ? { logicalId: p.origin.logicalId } : {}),
              ...(p.origin?.address ? { address: p.origin.address } : {}),
              ...(p.origin?.constructPath ? { constructPath: p.origin.constructPath } : {}),
            },
            settings.gateways,
          )
        : undefined
    if (gw) addGateway(index, { arn: p.arn, accountId: inv.accountId, name: p.name, reason: gw, ...(p.id ? { id: p.id } : {}) })
    const apiKeys = p.kind === 'user' ? [...(apiKeysByUser.get(p.name) ?? [])] : []
    // Users holding an API key are kept even when not capable: the key itself is a finding.
    if (!capability.capable && !gw && apiKeys.length === 0) return
    const f: PrincipalFacts = {
      kind: p.kind,
      arn: p.arn,
      accountId: inv.accountId,
      partition: p.partition,
      name: p.name,
      path: p.path,
      tags: p.tags,
      capability,
      paths: p.kind === 'user' ? ['iam-user'] : [],
      apiKeys,
      apiKeysCollected: inv.apiKeysCollected,
      notes: notes ?? [],
    }
    if (p.id) f.id = p.id
    if (p.origin) f.origin = p.origin
    if (p.kind === 'role') {
      if (p.trustPolicy) f.trustPolicy = p.trustPolicy as PolicyDocument
      if (p.lastUsed) f.lastUsed = p.lastUsed
    }
    if (gw) f.gateway = { reason: gw }
    facts.push(f)
  }

  for (const u of inv.users) analyse(u)
  for (const r of inv.roles) analyse(r)
  index.scannedAccounts.add(inv.accountId)
  return {
    accountId: inv.accountId,
    facts,
    counts: { users: inv.users.length, roles: inv.roles.length, skippedServiceLinked },
    errors,
  }
}
