/**
 * Saved sso-admin outputs (AWS CLI JSON, or the envelopes `collect` writes) → `RawIdentityCenter`.
 *
 * Most sso-admin outputs do not say what they are about: the ABAC output carries no instance ARN, and the
 * per-permission-set outputs (managed policies, inline policy, customer managed policy references,
 * boundary, provisioned accounts) carry no permission set ARN. They are placed by their folder:
 * - a per-permission-set output belongs to the permission set whose `describe-permission-set` output is in
 *   the same folder, else to the permission set whose `ps-…` ID is a segment of its path;
 * - the ABAC output belongs to the instance whose `ssoins-…` ID is a segment of its path, else to the only
 *   instance of the snapshot.
 * Anything else is an input error naming the layout to use (the `collect` layout satisfies both).
 */
import { dirname, sep } from 'node:path'
import type { ScanErrorEntry } from '../../model/finding.js'
import { instanceArnOfPermissionSet, instanceIdOf, parsePermissionSetArn } from '../../model/identity-center.js'
import { isJsonObject, type JsonObject } from '../snapshot/recogniser.js'
import { parseJson, readText } from '../snapshot/read.js'
import { emptyRawIdentityCenter, type RawError, type RawIdentityCenter, type RawInstance, type RawPermissionSet } from './raw.js'
import { IDENTITY_CENTER_KINDS, IdentityCenterKind } from './recognisers.js'

/** The operations `collect` writes in envelopes, and where their output goes. */
export const ENVELOPE_OPERATIONS = {
  ListInstances: 'sso:ListInstances',
  Abac: 'sso:DescribeInstanceAccessControlAttributeConfiguration',
  ListPermissionSets: 'sso:ListPermissionSets',
  DescribePermissionSet: 'sso:DescribePermissionSet',
  ManagedPolicies: 'sso:ListManagedPoliciesInPermissionSet',
  InlinePolicy: 'sso:GetInlinePolicyForPermissionSet',
  CustomerManagedPolicyReferences: 'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  PermissionsBoundary: 'sso:GetPermissionsBoundaryForPermissionSet',
  ProvisionedAccounts: 'sso:ListAccountsForProvisionedPermissionSet',
  AccountAssignments: 'sso:ListAccountAssignments',
} as const

const PS_OUTPUT_KINDS: Record<string, keyof RawPermissionSet> = {
  [IdentityCenterKind.ManagedPolicies]: 'managedPolicies',
  [IdentityCenterKind.InlinePolicy]: 'inlinePolicy',
  [IdentityCenterKind.CustomerManagedPolicyReferences]: 'customerManagedPolicyReferences',
  [IdentityCenterKind.PermissionsBoundary]: 'permissionsBoundary',
  [IdentityCenterKind.ProvisionedAccounts]: 'provisionedAccounts',
}

const LAYOUT_HINT =
  'put each permission set\'s outputs in a folder of their own together with its `aws sso-admin describe-permission-set` output, ' +
  'and the ABAC output under a folder named after the instance ID (ssoins-…), as `tagwarden collect` does (README: Identity Center)'

interface Loaded {
  file: string
  kind: string
  obj: JsonObject
}

const segments = (file: string): string[] => file.split(/[\\/]/)
const idSegment = (file: string, prefix: string): string | undefined => segments(dirname(file)).find((s) => s.startsWith(prefix) && /^[a-z]+-[0-9a-zA-Z]+$/.test(s))

/** Whether the snapshot holds any sso-admin output at all (then "not captured" is about parts, not the whole). */
export function hasIdentityCenterFiles(otherFiles: ReadonlyArray<{ file: string; kind: string }>): boolean {
  return otherFiles.some((f) => IDENTITY_CENTER_KINDS.has(f.kind) || f.kind === 'tagwarden-envelope')
}

async function readObject(file: string): Promise<JsonObject | undefined> {
  const text = await readText(file)
  if (!text.ok) return undefined
  const parsed = parseJson(text.text)
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined
}

export async function loadIdentityCenterFiles(
  otherFiles: ReadonlyArray<{ file: string; kind: string }>,
): Promise<{ raw?: RawIdentityCenter; errors: ScanErrorEntry[] }> {
  const errors: ScanErrorEntry[] = []
  const loaded: Loaded[] = []
  for (const { file, kind } of otherFiles) {
    if (!IDENTITY_CENTER_KINDS.has(kind) && kind !== 'tagwarden-envelope') continue
    const obj = await readObject(file)
    if (!obj) {
      // The planner parsed it once already; a file that changed underneath is reported, not skipped.
      errors.push({ source: file, code: 'unreadable-file', message: `${file}: cannot be read as JSON`, hint: 'export it again' })
      continue
    }
    if (kind === 'tagwarden-envelope') {
      const op = isJsonObject(obj.TagwardenEnvelope) ? obj.TagwardenEnvelope.operation : undefined
      if (typeof op !== 'string' || !op.startsWith('sso:')) continue
    }
    loaded.push({ file, kind, obj })
  }
  if (loaded.length === 0) return { errors }
  const sorted = loaded.sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }))
  const raw = emptyRawIdentityCenter(commonDir(sorted.map((l) => l.file)))
  const instances = new Map<string, RawInstance>()
  const instance = (arn: string): RawInstance => {
    let i = instances.get(arn)
    if (!i) instances.set(arn, (i = { instanceArn: arn, permissionSets: [] }))
    return i
  }
  const sets = new Map<string, RawPermissionSet>()
  const permissionSet = (arn: string, file?: string): RawPermissionSet => {
    let p = sets.get(arn)
    if (!p) {
      sets.set(arn, (p = { permissionSetArn: arn }))
      const instArn = instanceArnOfPermissionSet(arn)
      if (instArn) instance(instArn).permissionSets.push(p)
    }
    if (file) (p.files ??= []).push(file)
    return p
  }
  const pushPage = (p: RawPermissionSet, key: keyof RawPermissionSet, value: unknown): void => {
    if (key === 'managedPolicies' || key === 'customerManagedPolicyReferences' || key === 'provisionedAccounts' || key === 'accountAssignments') {
      ;((p[key] as unknown[] | undefined) ?? (p[key] = [] as never) as unknown[]).push(value)
    } else {
      ;(p as unknown as Record<string, unknown>)[key] = value
    }
  }

  // Pass 1: outputs that name what they are about.
  const psByDir = new Map<string, string[]>()
  const deferred: Loaded[] = []
  for (const l of sorted) {
    if (l.kind === 'tagwarden-envelope') {
      const why = placeEnvelope(l, raw, instance, permissionSet, pushPage)
      if (why) errors.push({ source: l.file, code: 'identity-center-output-unplaced', message: `${l.file}: a tagwarden collect envelope that ${why}; it was not read`, hint: 'collect it again with `tagwarden collect` (its envelopes name what they are about)' })
      continue
    }
    switch (l.kind) {
      case IdentityCenterKind.Instances:
        raw.listInstances.push(l.obj)
        for (const i of (l.obj.Instances as JsonObject[]) ?? []) if (typeof i.InstanceArn === 'string') instance(i.InstanceArn)
        break
      case IdentityCenterKind.PermissionSets: {
        const arns = (l.obj.PermissionSets as string[]) ?? []
        const instArn = arns.map(instanceArnOfPermissionSet).find((a) => a !== undefined)
        if (instArn) (instance(instArn).listPermissionSets ??= []).push(l.obj)
        for (const a of arns) permissionSet(a)
        break
      }
      case IdentityCenterKind.PermissionSet: {
        const arn = (l.obj.PermissionSet as JsonObject).PermissionSetArn as string
        permissionSet(arn, l.file).describe = l.obj
        const dir = dirname(l.file)
        psByDir.set(dir, [...new Set([...(psByDir.get(dir) ?? []), arn])])
        break
      }
      default:
        deferred.push(l)
    }
  }
  // Pass 2: outputs placed by their folder.
  for (const l of deferred) {
    if (l.kind === IdentityCenterKind.Abac) {
      const id = idSegment(l.file, 'ssoins-')
      const known = [...instances.keys()]
      const arn = id ? known.find((a) => instanceIdOf(a) === id) ?? `arn:aws:sso:::instance/${id}` : known.length === 1 ? known[0] : undefined
      if (!arn) {
        errors.push(placementError(l.file, known.length === 0 ? 'no `aws sso-admin list-instances` output says which instance it belongs to' : `the snapshot has ${known.length} instances`))
        continue
      }
      const inst = instance(arn)
      inst.abac = l.obj
      inst.abacFile = l.file
      continue
    }
    const assignments = l.kind === IdentityCenterKind.AccountAssignments
    const key = assignments ? 'accountAssignments' : PS_OUTPUT_KINDS[l.kind]
    if (!key) continue
    if (assignments) {
      // Assignments name their permission set; an empty page names none, and its folder places it.
      const arns = [...new Set(((l.obj.AccountAssignments as JsonObject[]) ?? []).map((a) => a.PermissionSetArn).filter((a): a is string => typeof a === 'string'))]
      for (const a of arns) pushPage(permissionSet(a, l.file), 'accountAssignments', { AccountAssignments: ((l.obj.AccountAssignments as JsonObject[]) ?? []).filter((x) => x.PermissionSetArn === a) })
      if (arns.length > 0) continue
    }
    const inDir = psByDir.get(dirname(l.file)) ?? []
    let arn = inDir.length === 1 ? inDir[0] : undefined
    if (!arn) {
      const psId = idSegment(l.file, 'ps-')
      arn = psId ? [...sets.keys()].find((a) => parsePermissionSetArn(a)?.permissionSetId === psId) : undefined
    }
    // An empty assignments page that no folder places says nothing: nothing to report.
    if (!arn && assignments) continue
    if (!arn) {
      errors.push(
        placementError(
          l.file,
          inDir.length > 1 ? `its folder holds the describe-permission-set outputs of ${inDir.length} permission sets` : 'no describe-permission-set output in its folder says which permission set it belongs to',
        ),
      )
      continue
    }
    pushPage(permissionSet(arn, l.file), key!, l.obj)
  }
  raw.instances = [...instances.values()].sort((a, b) => a.instanceArn.localeCompare(b.instanceArn))
  return { raw, errors }
}

function placementError(file: string, why: string): ScanErrorEntry {
  return {
    source: file,
    code: 'identity-center-output-unplaced',
    message: `${file}: an aws sso-admin output that does not name its instance or permission set, and ${why}; it was not read`,
    hint: LAYOUT_HINT,
  }
}

function rawErrorOf(obj: JsonObject): RawError | undefined {
  const e = obj.Error
  if (!isJsonObject(e) || typeof e.Code !== 'string') return undefined
  return { code: e.Code, message: typeof e.Message === 'string' ? e.Message : '' }
}

/** Puts a `collect` envelope in its place; otherwise says why it could not be placed (never a silent skip). */
function placeEnvelope(
  l: Loaded,
  raw: RawIdentityCenter,
  instance: (arn: string) => RawInstance,
  permissionSet: (arn: string, file?: string) => RawPermissionSet,
  pushPage: (p: RawPermissionSet, key: keyof RawPermissionSet, value: unknown) => void,
): string | undefined {
  const env = l.obj.TagwardenEnvelope as JsonObject
  const request = isJsonObject(env.request) ? env.request : {}
  const op = env.operation as string
  const error = rawErrorOf(l.obj)
  const response = l.obj.Response
  const instArn = typeof request.InstanceArn === 'string' ? request.InstanceArn : undefined
  const psArn = typeof request.PermissionSetArn === 'string' ? request.PermissionSetArn : undefined
  if (op === ENVELOPE_OPERATIONS.ListInstances) {
    if (typeof request.Region === 'string') raw.region = request.Region
    if (error) raw.listInstancesError = error
    else if (response !== undefined) raw.listInstances.push(response)
    return
  }
  if (!instArn) return `names no InstanceArn in its ${op} request`
  if (op === ENVELOPE_OPERATIONS.Abac) {
    const inst = instance(instArn)
    inst.abacFile = l.file
    if (error) inst.abacError = error
    else inst.abac = response
    return
  }
  if (op === ENVELOPE_OPERATIONS.ListPermissionSets) {
    const inst = instance(instArn)
    if (error) inst.listPermissionSetsError = error
    else (inst.listPermissionSets ??= []).push(response)
    return
  }
  if (!psArn) return `names no PermissionSetArn in its ${op} request`
  const p = permissionSet(psArn, l.file)
  const opName = op.slice('sso:'.length)
  if (error) {
    if (op === ENVELOPE_OPERATIONS.PermissionsBoundary && error.code === 'ResourceNotFoundException') p.permissionsBoundary = null
    else (p.errors ??= {})[opName] = error
    return
  }
  const key: Record<string, keyof RawPermissionSet> = {
    [ENVELOPE_OPERATIONS.DescribePermissionSet]: 'describe',
    [ENVELOPE_OPERATIONS.ManagedPolicies]: 'managedPolicies',
    [ENVELOPE_OPERATIONS.InlinePolicy]: 'inlinePolicy',
    [ENVELOPE_OPERATIONS.CustomerManagedPolicyReferences]: 'customerManagedPolicyReferences',
    [ENVELOPE_OPERATIONS.PermissionsBoundary]: 'permissionsBoundary',
    [ENVELOPE_OPERATIONS.ProvisionedAccounts]: 'provisionedAccounts',
    [ENVELOPE_OPERATIONS.AccountAssignments]: 'accountAssignments',
  }
  const k = key[op]
  if (!k) return `holds ${op}, which tagwarden does not read`
  pushPage(p, k, response)
  return undefined
}

function commonDir(files: string[]): string {
  if (files.length === 0) return ''
  const parts = files.map((f) => dirname(f).split(sep))
  const first = parts[0]!
  let n = first.length
  for (const p of parts) {
    let i = 0
    while (i < n && p[i] === first[i]) i++
    n = i
  }
  return first.slice(0, n).join(sep) || '.'
}
