/**
 * The offline `AccountSource` for `scan --input`: raw AWS CLI/SDK JSON, streamed account by account by
 * the snapshot scanner, including `tagwarden collect` folders. A `collect` folder is read back so its
 * Organizations outputs and envelopes become the same `OrgModel` the live scan built (OU paths, SCP
 * levels, management account), and the manifest's AWS failures are reported again, so
 * `scan --input DIR` gives the live scan's findings and exit code. Snapshots without collect files are
 * the snapshot scanner alone.
 */
import type { ScanErrorEntry } from '../model/finding.js'
import type { AccountSource, SnapshotAccountJob } from './account-source.js'
import type { AccountInventory } from '../model/inventory.js'
import { addIdentityCenter } from '../analysis/org-index.js'
import { loadIdentityCenterFiles } from '../scanners/identity-center/load.js'
import { buildIdentityCenter } from '../scanners/identity-center/raw.js'
import { buildOrgModel, emptyRawOrg, ouPathOf, scpLevelsFor, type OrgModel, type RawOrgOutputs } from '../scanners/live/org-model.js'
import { DEFAULT_RECOGNISERS, isJsonObject, loadAccount, loadOrgFiles, planSnapshot, type SnapshotPlan, type SnapshotRecogniser } from '../scanners/snapshot/index.js'
import { parseJson, readText } from '../scanners/snapshot/read.js'
import { CollectKind, COLLECT_RECOGNISERS } from '../scanners/snapshot/collect-recognisers.js'
import type { CollectManifest } from '../scanners/snapshot/collect-layout.js'

export const SNAPSHOT_RECOGNISERS: readonly SnapshotRecogniser[] = [...DEFAULT_RECOGNISERS, ...COLLECT_RECOGNISERS]

export interface CollectedOrg {
  manifests: CollectManifest[]
  raw: RawOrgOutputs
  model: OrgModel
  errors: ScanErrorEntry[]
}

async function readJson(file: string): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: ScanErrorEntry }> {
  const text = await readText(file)
  const parsed = text.ok ? parseJson(text.text) : undefined
  if (!text.ok || !parsed?.ok || !isJsonObject(parsed.value)) {
    return {
      ok: false,
      error: { source: file, code: 'unreadable-file', message: `${file}: cannot be read as JSON`, hint: 'collect the folder again with `tagwarden collect --output NEW_DIR`' },
    }
  }
  return { ok: true, value: parsed.value }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** The Organizations data and manifests among a plan's files. */
export async function loadCollectedOrg(plan: Pick<SnapshotPlan, 'otherFiles' | 'orgFiles'>): Promise<CollectedOrg> {
  const raw = emptyRawOrg()
  const manifests: CollectManifest[] = []
  const errors: ScanErrorEntry[] = []
  const targets: Array<{ policyId: string; file: string; output: unknown }> = []
  const relevant = new Set<string>(Object.values(CollectKind).filter((k) => k !== CollectKind.IdentityProviders))
  for (const { file, kind } of plan.otherFiles) {
    if (!relevant.has(kind)) continue
    const r = await readJson(file)
    if (!r.ok) {
      errors.push(r.error)
      continue
    }
    const obj = r.value
    switch (kind) {
      case CollectKind.Manifest:
        manifests.push(obj.TagwardenCollectManifest as CollectManifest)
        break
      case CollectKind.Organization:
        raw.describeOrganization = obj
        break
      case CollectKind.Roots:
        raw.listRoots.push(obj)
        break
      case CollectKind.Policies:
        raw.listPolicies.push(obj)
        break
      case CollectKind.Policy:
        raw.describePolicy.push(obj)
        break
      case CollectKind.Envelope: {
        const env = obj.TagwardenEnvelope as { operation?: unknown; request?: Record<string, unknown> }
        const request = isJsonObject(env.request) ? env.request : {}
        if (env.operation === 'organizations:ListParents' && str(request.ChildId)) {
          raw.listParents.push({ childId: str(request.ChildId)!, output: obj.Response })
        } else if (env.operation === 'organizations:ListTargetsForPolicy' && str(request.PolicyId)) {
          targets.push({ policyId: str(request.PolicyId)!, file, output: obj.Response })
        }
        break
      }
    }
  }
  // The account list pages are org files for the snapshot scanner too; the model needs them for the
  // management account.
  for (const file of plan.orgFiles) {
    const r = await readJson(file)
    if (r.ok && Array.isArray(r.value.Accounts)) raw.listAccounts.push(r.value)
  }
  targets.sort((a, b) => a.policyId.localeCompare(b.policyId) || a.file.localeCompare(b.file, 'en', { numeric: true }))
  raw.listTargetsForPolicy = targets.map(({ policyId, output }) => ({ policyId, output }))
  const built = buildOrgModel(raw, 'organization/')
  errors.push(...built.errors)
  return { manifests, raw, model: built.model, errors }
}

/**
 * One account of a snapshot, as `snapshotSource().accounts()` reads it: what a phase-one worker thread runs
 * for a `SnapshotAccountJob` (src/pipeline/phase-one-worker.ts).
 */
export async function loadSnapshotAccount(job: SnapshotAccountJob): Promise<{ inventory: AccountInventory; errors: ScanErrorEntry[] }> {
  const loaded = await loadAccount(job, { recognisers: SNAPSHOT_RECOGNISERS })
  if (job.scpLevels) loaded.inventory.scpLevels = job.scpLevels
  return loaded
}

/**
 * A snapshot source that also understands `collect` folders: OU paths and SCP levels from the collected
 * Organizations outputs, accounts in scope from the manifest, and the manifest's AWS failures.
 */
export function snapshotSource(inputs: string[]): AccountSource {
  let plan: SnapshotPlan | undefined
  let org: CollectedOrg | undefined
  const options = { recognisers: SNAPSHOT_RECOGNISERS }
  const jobs = (): SnapshotAccountJob[] => {
    if (!plan || !org) throw new Error('snapshotSource: accounts read before prepare()')
    const model = org.model
    return plan.accounts.map(({ accountId, files }) => {
      const levels = scpLevelsFor(model, accountId)
      return levels ? { accountId, files, scpLevels: levels } : { accountId, files }
    })
  }
  return {
    async prepare(index) {
      plan = await planSnapshot(inputs, options)
      const listed = await loadOrgFiles(plan, options)
      org = await loadCollectedOrg(plan)
      // With a manifest, only the accounts that were in scope count as not covered when missing.
      const inScope = org.manifests.length > 0 ? new Set(org.manifests.flatMap((m) => m.accounts?.selected ?? [])) : undefined
      for (const a of listed.accounts) if (!inScope || inScope.has(a.id)) index.accounts.set(a.id, a)
      for (const { accountId } of plan.accounts) {
        const path = ouPathOf(org.model, accountId)
        if (path) index.ouPaths.set(accountId, path)
      }
      const collectErrors = org.manifests.flatMap((m) => m.errors ?? [])
      const errors = [...plan.errors, ...listed.errors, ...org.errors, ...collectErrors]
      // IAM Identity Center: saved sso-admin outputs (or a collect folder's identity-center/).
      const ic = await loadIdentityCenterFiles(plan.otherFiles)
      errors.push(...ic.errors)
      if (ic.raw) {
        const built = buildIdentityCenter(ic.raw)
        errors.push(...built.errors)
        addIdentityCenter(index, built.data)
      }
      // An empty or mistyped --input must not look like a clean audit.
      if (plan.fileCount === 0 && errors.length === 0) {
        errors.push({
          source: inputs.join(', '),
          code: 'no-input-files',
          message: `--input ${inputs.join(' ')}: no JSON files found`,
          hint: 'export a snapshot first: `aws iam get-account-authorization-details --output json > DIR/ACCOUNT/auth.json` (or `tagwarden collect -o DIR`)',
        })
      }
      return { errors }
    },
    async *accounts() {
      for (const job of jobs()) {
        const { inventory, errors } = await loadSnapshotAccount(job)
        yield { accountId: job.accountId, inventory, errors }
      }
    },
    accountJobs: jobs,
    accountTotal() {
      return plan?.accounts.length ?? 0
    },
    fileCount() {
      return plan?.fileCount ?? 0
    },
    otherFiles() {
      return plan?.otherFiles ?? []
    },
  }
}
