/**
 * IAM Identity Center (sso-admin) outputs, response by response, and the one builder that turns them into
 * `IdentityCenterData`. The live scan, `collect` read back from disk and saved AWS CLI outputs all fill
 * `RawIdentityCenter` and go through `buildIdentityCenter`, so they agree.
 */
import { parsePolicyDocument, PolicyDocumentError } from '../../iam/policy-document.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import {
  instanceArnOfPermissionSet,
  instanceIdOf,
  type AbacAttribute,
  type AbacState,
  type CustomerManagedPolicyRef,
  type IcInstance,
  type IcPermissionSet,
  type IdentityCenterData,
} from '../../model/identity-center.js'
import type { Origin } from '../../model/inventory.js'
import { isJsonObject, type JsonObject } from '../snapshot/recogniser.js'

/** An AWS error recorded instead of an output (collect writes it; the scan tells "denied" from "absent"). */
export interface RawError {
  code: string
  message: string
}

export interface RawPermissionSet {
  permissionSetArn: string
  describe?: unknown
  /** Pages of ListManagedPoliciesInPermissionSet. */
  managedPolicies?: unknown[]
  inlinePolicy?: unknown
  customerManagedPolicyReferences?: unknown[]
  /** GetPermissionsBoundaryForPermissionSet; `null` = ResourceNotFoundException (no boundary). */
  permissionsBoundary?: unknown
  provisionedAccounts?: unknown[]
  /** Pages of ListAccountAssignments, over every account the permission set is provisioned to. */
  accountAssignments?: unknown[]
  /** Operation → error, for parts that could not be read. */
  errors?: Record<string, RawError>
  /** Where the outputs came from (offline). */
  files?: string[]
}

export interface RawInstance {
  instanceArn: string
  /** DescribeInstanceAccessControlAttributeConfiguration output, or the error it answered. */
  abac?: unknown
  abacError?: RawError
  abacFile?: string
  /** ListPermissionSets pages; absent when not read. */
  listPermissionSets?: unknown[]
  listPermissionSetsError?: RawError
  permissionSets: RawPermissionSet[]
}

export interface RawIdentityCenter {
  region?: string
  /** ListInstances pages. */
  listInstances: unknown[]
  /** ListInstances itself failed (AccessDenied…): nothing else was read. */
  listInstancesError?: RawError
  instances: RawInstance[]
  /** Files read (offline), for origins and errors. */
  source: string
}

export function emptyRawIdentityCenter(source: string, region?: string): RawIdentityCenter {
  return { ...(region ? { region } : {}), listInstances: [], instances: [], source }
}

const str = (o: unknown, k: string): string | undefined => (isJsonObject(o) && typeof o[k] === 'string' ? (o[k] as string) : undefined)
const list = (o: unknown, k: string): unknown[] => (isJsonObject(o) && Array.isArray(o[k]) ? (o[k] as unknown[]) : [])

/** `Status` values other than ENABLED leave the mapping unusable (CREATION_IN_PROGRESS, CREATION_FAILED). */
export function abacStateOf(output: unknown, error: RawError | undefined): AbacState {
  if (error) {
    if (error.code === 'ResourceNotFoundException') return { state: 'unusable', why: 'not-found', attributes: [] }
    return { state: 'not-captured', reason: `DescribeInstanceAccessControlAttributeConfiguration answered ${error.code}` }
  }
  if (output === undefined) return { state: 'not-captured', reason: 'no describe-instance-access-control-attribute-configuration output' }
  const cfg = isJsonObject(output) ? output.InstanceAccessControlAttributeConfiguration : undefined
  const attributes: AbacAttribute[] = list(cfg, 'AccessControlAttributes').flatMap((a) => {
    const key = str(a, 'Key')
    if (key === undefined) return []
    const value = isJsonObject(a) ? a.Value : undefined
    return [{ key, sources: list(value, 'Source').filter((s): s is string => typeof s === 'string') }]
  })
  const status = str(output, 'Status')
  const statusReason = str(output, 'StatusReason')
  if (status !== undefined && status !== 'ENABLED') {
    return { state: 'unusable', why: 'status', status, ...(statusReason ? { statusReason } : {}), attributes }
  }
  if (attributes.length === 0) return { state: 'unusable', why: 'empty', ...(status ? { status } : {}), attributes }
  return { state: 'enabled', attributes }
}

function refOf(o: unknown): CustomerManagedPolicyRef | undefined {
  const name = str(o, 'Name')
  if (!name) return undefined
  return { name, path: str(o, 'Path') ?? '/' }
}

export interface BuiltIdentityCenter {
  data: IdentityCenterData
  errors: ScanErrorEntry[]
}

export function buildIdentityCenter(raw: RawIdentityCenter): BuiltIdentityCenter {
  const errors: ScanErrorEntry[] = []
  if (raw.listInstancesError) {
    return {
      data: {
        instances: [],
        notCaptured: {
          reason:
            `IAM Identity Center was not captured: sso:ListInstances answered ${raw.listInstancesError.code}${raw.region ? ` in ${raw.region}` : ''}` +
            ' (the caller needs the sso: read actions of docs/iam/tagwarden-audit-policy.json, in the management account or Identity Center\'s delegated administrator)',
          source: raw.source,
        },
      },
      errors,
    }
  }
  const meta = new Map<string, JsonObject>()
  for (const page of raw.listInstances) {
    for (const i of list(page, 'Instances')) {
      const arn = str(i, 'InstanceArn')
      if (arn && isJsonObject(i)) meta.set(arn, i)
    }
  }
  const rawByArn = new Map(raw.instances.map((r) => [r.instanceArn, r]))
  const arns = [...new Set([...meta.keys(), ...rawByArn.keys()])].sort()
  const instances: IcInstance[] = arns.map((arn) => {
    const m = meta.get(arn)
    const r = rawByArn.get(arn) ?? { instanceArn: arn, permissionSets: [] }
    const inst: IcInstance = {
      arn,
      id: instanceIdOf(arn) ?? arn,
      abac: abacStateOf(r.abac, r.abacError),
      permissionSets: [],
      permissionSetsCaptured: r.listPermissionSets !== undefined || r.permissionSets.length > 0,
    }
    const owner = str(m, 'OwnerAccountId')
    if (owner) inst.ownerAccountId = owner
    const store = str(m, 'IdentityStoreId')
    if (store) inst.identityStoreId = store
    const name = str(m, 'Name')
    if (name) inst.name = name
    const status = str(m, 'Status')
    if (status) inst.status = status
    if (raw.region) inst.region = raw.region
    if (r.abacFile) inst.origin = { file: r.abacFile }
    const listed = new Set((r.listPermissionSets ?? []).flatMap((p) => list(p, 'PermissionSets')).filter((x): x is string => typeof x === 'string'))
    const byArn = new Map(r.permissionSets.map((p) => [p.permissionSetArn, p]))
    for (const psArn of [...new Set([...listed, ...byArn.keys()])].sort()) {
      const p = byArn.get(psArn) ?? { permissionSetArn: psArn }
      inst.permissionSets.push(buildPermissionSet(p, arn, raw.source, errors))
    }
    return inst
  })
  return { data: { instances }, errors }
}

function buildPermissionSet(p: RawPermissionSet, instanceArn: string, source: string, errors: ScanErrorEntry[]): IcPermissionSet {
  const described = isJsonObject(p.describe) ? p.describe.PermissionSet : undefined
  // Who is assigned says nothing about what the permission set allows: a denied ListAccountAssignments only leaves it unknown.
  const notCaptured: string[] = Object.entries(p.errors ?? {})
    .filter(([op]) => op !== 'ListAccountAssignments')
    .map(([op, e]) => `${op}: ${e.code}`)
  const ps: IcPermissionSet = {
    arn: p.permissionSetArn,
    // Without DescribePermissionSet the name is unknown: the ARN's ps- ID stands in, and no role joins it.
    name: str(described, 'Name') ?? p.permissionSetArn.split('/').pop() ?? p.permissionSetArn,
    instanceArn: instanceArnOfPermissionSet(p.permissionSetArn) ?? instanceArn,
    managedPolicyArns: (p.managedPolicies ?? []).flatMap((pg) => list(pg, 'AttachedManagedPolicies')).flatMap((a) => str(a, 'Arn') ?? []),
    customerManagedPolicyRefs: (p.customerManagedPolicyReferences ?? [])
      .flatMap((pg) => list(pg, 'CustomerManagedPolicyReferences'))
      .flatMap((r) => refOf(r) ?? []),
    notCaptured,
  }
  if (described === undefined && !p.errors?.DescribePermissionSet) notCaptured.push('DescribePermissionSet: no output')
  if (p.managedPolicies === undefined && !p.errors?.ListManagedPoliciesInPermissionSet) notCaptured.push('ListManagedPoliciesInPermissionSet: no output')
  if (p.inlinePolicy === undefined && !p.errors?.GetInlinePolicyForPermissionSet) notCaptured.push('GetInlinePolicyForPermissionSet: no output')
  const inline = str(p.inlinePolicy, 'InlinePolicy')
  if (inline !== undefined && inline.trim() !== '') {
    try {
      ps.inlinePolicy = parsePolicyDocument(inline)
    } catch (e) {
      errors.push({
        source: p.files?.[0] ?? source,
        subject: p.permissionSetArn,
        code: 'invalid-policy-document',
        message: `the inline policy of permission set ${ps.name} cannot be parsed: ${e instanceof PolicyDocumentError ? e.message : String(e)}`,
        hint: 'export it again with `aws sso-admin get-inline-policy-for-permission-set`',
      })
      notCaptured.push('GetInlinePolicyForPermissionSet: unparsable')
    }
  }
  if (isJsonObject(p.permissionsBoundary)) {
    const b = p.permissionsBoundary.PermissionsBoundary
    const arn = str(b, 'ManagedPolicyArn')
    const ref = refOf(isJsonObject(b) ? b.CustomerManagedPolicyReference : undefined)
    if (arn || ref) ps.boundary = { ...(arn ? { managedPolicyArn: arn } : {}), ...(ref ? { customerManagedPolicyReference: ref } : {}) }
  }
  if (p.provisionedAccounts !== undefined) {
    ps.provisionedAccounts = [...new Set(p.provisionedAccounts.flatMap((pg) => list(pg, 'AccountIds')).filter((x): x is string => typeof x === 'string'))].sort()
  }
  if (p.accountAssignments !== undefined && !p.errors?.ListAccountAssignments) {
    ps.assignments = p.accountAssignments.flatMap((pg) => list(pg, 'AccountAssignments')).flatMap((a) => {
      const accountId = str(a, 'AccountId')
      const principalType = str(a, 'PrincipalType')
      const principalId = str(a, 'PrincipalId')
      return accountId && principalType && principalId ? [{ accountId, principalType, principalId }] : []
    })
  }
  const origin: Origin | undefined = p.files?.[0] ? { file: p.files[0] } : undefined
  if (origin) ps.origin = origin
  return ps
}
