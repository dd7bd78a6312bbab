/**
 * The on-disk layout `tagwarden collect` writes: the `--input` snapshot format (raw AWS outputs, one
 * folder per account, one file per output kind and page) plus an `organization/` folder and a manifest.
 * Outputs that do not say which account, OU or policy they belong to go in a small envelope.
 *
 * ```
 * manifest.json                                         {"TagwardenCollectManifest": {...}}
 * organization/describe-organization.json              DescribeOrganization output
 * organization/list-accounts[-page<N>].json            ListAccounts pages
 * organization/list-roots.json                         ListRoots output
 * organization/list-policies-scp[-page<N>].json        ListPolicies (Filter=SERVICE_CONTROL_POLICY) pages
 * organization/describe-policy/<policy-id>.json        DescribePolicy output
 * organization/list-targets-for-policy/<policy-id>[-page<N>].json   envelope (PolicyId)
 * organization/list-parents/<child-id>.json            envelope (ChildId)
 * <account-id>/get-account-authorization-details[-page<N>].json
 * <account-id>/list-service-specific-credentials[-page<N>].json
 * <account-id>/list-saml-providers.json
 * <account-id>/list-open-id-connect-providers.json
 * identity-center/list-instances[-page<N>].json        sso-admin ListInstances pages (--sso-region)
 * identity-center/<ssoins-id>/describe-instance-access-control-attribute-configuration.json
 * identity-center/<ssoins-id>/list-permission-sets[-page<N>].json
 * identity-center/<ssoins-id>/permission-sets/<ps-id>/describe-permission-set.json
 * identity-center/<ssoins-id>/permission-sets/<ps-id>/<operation>[-page<N>].json   the permission set's other outputs
 * ```
 *
 * An sso-admin call that failed is written as an envelope with `Error` instead of `Response` (AccessDenied:
 * "not captured"; ResourceNotFoundException on the ABAC configuration: "no usable mapping"), so a scan of the
 * folder tells a disabled configuration from one that was not read.
 */
import type { ScanErrorEntry } from '../../model/finding.js'
import type { CallStats } from '../live/calls.js'

export const MANIFEST_FILE = 'manifest.json'
export const ORG_DIR = 'organization'
export const COLLECT_FORMAT_VERSION = 1

/** `name.json` for a single page, `name-page1.json`, `name-page2.json`… for several. */
export function pageFileName(base: string, page: number, pages: number): string {
  return pages <= 1 ? `${base}.json` : `${base}-page${page}.json`
}

/** IDs become file names; AWS IDs are `[\w-]`, anything else is replaced so no path can escape the folder. */
export function safeFileId(id: string): string {
  return id.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_')
}

export interface Envelope {
  TagwardenEnvelope: {
    formatVersion: number
    /** `organizations:ListParents`, `organizations:ListTargetsForPolicy`. */
    operation: string
    /** The request parameters that say what the response is about. */
    request: Record<string, string>
  }
  /** The raw response (absent when the call failed). */
  Response?: unknown
  /** The AWS error the call answered instead of a response. */
  Error?: { Code: string; Message: string }
}

export function envelope(operation: string, request: Record<string, string>, response: unknown): Envelope {
  return { TagwardenEnvelope: { formatVersion: COLLECT_FORMAT_VERSION, operation, request }, Response: response }
}

/** A call that failed, recorded so that a scan of the folder can say why its output is missing. */
export function errorEnvelope(operation: string, request: Record<string, string>, error: { code: string; message: string }): Envelope {
  return { TagwardenEnvelope: { formatVersion: COLLECT_FORMAT_VERSION, operation, request }, Error: { Code: error.code, Message: error.message } }
}

export const IDENTITY_CENTER_DIR = 'identity-center'

export interface CollectManifest {
  formatVersion: number
  tool: { name: 'tagwarden'; version: string }
  collectedAt: string
  runId: string
  caller: { arn: string; accountId: string; partition: string }
  region: string
  scope: {
    org: boolean
    accounts?: string[]
    excludeAccounts?: string[]
    ous?: string[]
    roleName: string
    /** Whether an ExternalId was used (its value is not written). */
    externalId: boolean
    shard?: string
    scps: boolean
  }
  accounts: {
    /** In scope after filters and sharding. */
    selected: string[]
    collected: string[]
    failed: string[]
    skipped: Array<{ id: string; reason: string }>
  }
  /** AWS failures during the collection, so a scan of the snapshot reports them (and exits 2) too. */
  errors: ScanErrorEntry[]
  calls: CallStats
  notices: string[]
}

export interface ManifestFile {
  TagwardenCollectManifest: CollectManifest
}
