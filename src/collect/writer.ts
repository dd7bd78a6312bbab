/** Writes what a live scan read, as it reads it (one account at a time), in the layout of `layout.ts`. */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { RawAccountOutputs } from '../scanners/live/account.js'
import type { RawOrgOutputs } from '../scanners/live/org-model.js'
import type { LiveRecorder } from '../scanners/live/recorder.js'
import { envelope, errorEnvelope, IDENTITY_CENTER_DIR, MANIFEST_FILE, ORG_DIR, pageFileName, safeFileId, type CollectManifest, type ManifestFile } from '../scanners/snapshot/collect-layout.js'
import type { RawIdentityCenter } from '../scanners/identity-center/raw.js'
import { parsePermissionSetArn, instanceIdOf } from '../model/identity-center.js'

export interface SnapshotWriter extends LiveRecorder {
  /** Relative paths written so far. */
  files(): string[]
  writeManifest(manifest: CollectManifest): Promise<string>
}

export function snapshotWriter(outDir: string): SnapshotWriter {
  const written: string[] = []
  const put = async (rel: string, value: unknown): Promise<void> => {
    const full = join(outDir, rel)
    await mkdir(dirname(full), { recursive: true })
    await writeFile(full, `${JSON.stringify(value, null, 2)}\n`)
    written.push(rel)
  }
  const pages = async (dir: string, base: string, outputs: readonly unknown[]): Promise<void> => {
    for (const [i, o] of outputs.entries()) await put(join(dir, pageFileName(base, i + 1, outputs.length)), o)
  }

  return {
    async org(raw: RawOrgOutputs) {
      if (raw.describeOrganization !== undefined) await put(join(ORG_DIR, 'describe-organization.json'), raw.describeOrganization)
      await pages(ORG_DIR, 'list-accounts', raw.listAccounts)
      await pages(ORG_DIR, 'list-roots', raw.listRoots)
      await pages(ORG_DIR, 'list-policies-scp', raw.listPolicies)
      for (const d of raw.describePolicy) {
        const id = (d as { Policy?: { PolicySummary?: { Id?: string } } }).Policy?.PolicySummary?.Id ?? 'unknown'
        await put(join(ORG_DIR, 'describe-policy', `${safeFileId(id)}.json`), d)
      }
      const byPolicy = new Map<string, unknown[]>()
      for (const t of raw.listTargetsForPolicy) byPolicy.set(t.policyId, [...(byPolicy.get(t.policyId) ?? []), t.output])
      for (const [policyId, outs] of byPolicy) {
        for (const [i, o] of outs.entries()) {
          await put(
            join(ORG_DIR, 'list-targets-for-policy', pageFileName(safeFileId(policyId), i + 1, outs.length)),
            envelope('organizations:ListTargetsForPolicy', { PolicyId: policyId }, o),
          )
        }
      }
      for (const p of raw.listParents) {
        await put(join(ORG_DIR, 'list-parents', `${safeFileId(p.childId)}.json`), envelope('organizations:ListParents', { ChildId: p.childId }, p.output))
      }
    },

    async account(raw: RawAccountOutputs) {
      const dir = safeFileId(raw.accountId)
      await pages(dir, 'get-account-authorization-details', raw.authorizationDetails)
      if (raw.serviceSpecificCredentials) await pages(dir, 'list-service-specific-credentials', raw.serviceSpecificCredentials)
      if (raw.samlProviders !== undefined) await put(join(dir, 'list-saml-providers.json'), raw.samlProviders)
      if (raw.openIdConnectProviders !== undefined) await put(join(dir, 'list-open-id-connect-providers.json'), raw.openIdConnectProviders)
    },

    async identityCenter(raw: RawIdentityCenter) {
      const dir = IDENTITY_CENTER_DIR
      if (raw.listInstancesError) {
        await put(join(dir, 'list-instances.json'), errorEnvelope('sso:ListInstances', { Region: raw.region ?? '' }, raw.listInstancesError))
        return
      }
      await pages(dir, 'list-instances', raw.listInstances)
      for (const inst of raw.instances) {
        const idir = join(dir, safeFileId(instanceIdOf(inst.instanceArn) ?? inst.instanceArn))
        const InstanceArn = inst.instanceArn
        const abacFile = join(idir, 'describe-instance-access-control-attribute-configuration.json')
        if (inst.abacError) await put(abacFile, errorEnvelope('sso:DescribeInstanceAccessControlAttributeConfiguration', { InstanceArn }, inst.abacError))
        else if (inst.abac !== undefined) await put(abacFile, inst.abac)
        if (inst.listPermissionSetsError) await put(join(idir, 'list-permission-sets.json'), errorEnvelope('sso:ListPermissionSets', { InstanceArn }, inst.listPermissionSetsError))
        else await pages(idir, 'list-permission-sets', inst.listPermissionSets ?? [])
        for (const ps of inst.permissionSets) {
          const pdir = join(idir, 'permission-sets', safeFileId(parsePermissionSetArn(ps.permissionSetArn)?.permissionSetId ?? ps.permissionSetArn))
          const request = { InstanceArn, PermissionSetArn: ps.permissionSetArn }
          const one = async (base: string, value: unknown): Promise<void> => {
            if (value !== undefined) await put(join(pdir, `${base}.json`), value)
          }
          await one('describe-permission-set', ps.describe)
          await pages(pdir, 'list-managed-policies-in-permission-set', ps.managedPolicies ?? [])
          await one('get-inline-policy-for-permission-set', ps.inlinePolicy)
          await pages(pdir, 'list-customer-managed-policy-references-in-permission-set', ps.customerManagedPolicyReferences ?? [])
          if (ps.permissionsBoundary === null) {
            await put(
              join(pdir, 'get-permissions-boundary-for-permission-set.json'),
              errorEnvelope('sso:GetPermissionsBoundaryForPermissionSet', request, { code: 'ResourceNotFoundException', message: 'the permission set has no permissions boundary' }),
            )
          } else await one('get-permissions-boundary-for-permission-set', ps.permissionsBoundary)
          await pages(pdir, 'list-accounts-for-provisioned-permission-set', ps.provisionedAccounts ?? [])
          if (ps.accountAssignments !== undefined) await pages(pdir, 'list-account-assignments', ps.accountAssignments)
          for (const [op, error] of Object.entries(ps.errors ?? {})) {
            await put(join(pdir, `${op.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.json`), errorEnvelope(`sso:${op}`, request, error))
          }
        }
      }
    },

    files: () => [...written],

    async writeManifest(manifest) {
      const file: ManifestFile = { TagwardenCollectManifest: manifest }
      await put(MANIFEST_FILE, file)
      return join(outDir, MANIFEST_FILE)
    },
  }
}
