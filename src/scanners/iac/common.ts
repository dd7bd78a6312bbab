/** Pieces shared by the CloudFormation/CDK and Terraform builders: errors, tags, managed policy ARNs. */
import { awsManagedPolicyKey } from '../../iam/managed-policy-catalog.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import type { IamPrincipal, ManagedPolicy, Tag } from '../../model/inventory.js'
import { emptyAccount } from '../../model/inventory.js'
import { parsePolicyDocument } from '../../iam/policy-document.js'
import { IAC_ACCOUNT_PLACEHOLDER, UNKNOWN_TAG_VALUE, type IacFormat, type IacInventory, type IacOrigin, type SourcePosition } from './model.js'
import { display, hasUnknownPiece, isUnknown, substitute, type Value } from './values.js'

export const IacErrorCode = {
  ParseError: 'iac-parse-error',
  UnknownTag: 'iac-unknown-yaml-tag',
  NotATemplate: 'iac-invalid-template',
  InvalidPolicy: 'iac-invalid-policy',
  TooLarge: 'iac-file-too-large',
  UnsupportedPlanFormat: 'iac-unsupported-plan-format',
  Unreadable: 'iac-unreadable-file',
  InvalidManifest: 'iac-invalid-cdk-manifest',
  ChangedOnly: 'iac-changed-only',
  /** A path named on the command line that yields nothing scannable (empty, unrecognised, no template in it). */
  NotScannable: 'iac-not-scannable',
  /** YAML aliases expanding beyond the parser's budget (an alias bomb). */
  AliasBudget: 'iac-yaml-alias-budget',
  /** Intrinsic functions that take more evaluation steps than the budget allows. */
  EvaluationBudget: 'iac-evaluation-budget',
  /** A tag key or value longer than IAM allows (read as it is, never truncated). */
  InvalidTag: 'iac-invalid-tag',
} as const

export const IAC_HINTS = {
  cfnParse: 'Fix the template so that `cfn-lint` (or `aws cloudformation validate-template`) accepts it; tagwarden scanned the other files.',
  cfnTooLarge:
    'CloudFormation rejects templates over 1 MB (51,200 bytes when passed inline); split the stack into nested stacks. tagwarden scanned the other files.',
  planFormat:
    'Produce the plan with a Terraform release that writes format_version 1.x: `terraform plan -out=plan.out && terraform show -json plan.out > plan.json`.',
  planErrored: 'Fix what `terraform plan` reports, then write the plan again with `terraform show -json plan.out > plan.json`; a gate must not pass on a plan that failed.',
  planParse: 'Write the plan with `terraform show -json plan.out > plan.json` (not the human-readable `terraform show`), and check the file is complete.',
  invalidPolicy: 'IAM would reject this policy document at deploy time; fix it in the template. The principal was analysed without it.',
  unreadable: 'Check that the path exists and is readable by the user running tagwarden.',
  manifest: 'Run `cdk synth` again so cdk.out holds a complete cloud assembly; paths in a manifest must stay inside the cdk.out folder.',
  notScannable:
    'Point --iac at CloudFormation templates (YAML or JSON with a top-level Resources mapping), a cdk.out folder, or `terraform show -json plan.out > plan.json` output. A failed `terraform show` or `cdk synth` leaves an empty file or folder.',
  tooLarge: 'Split the template (CloudFormation accepts at most 1 MB) or scan the plan file directly; the file was not read.',
  aliasBudget: 'CloudFormation templates rarely need YAML anchors and aliases; write the values out. tagwarden scanned the other files.',
}

/** `file:line:column` when a position is known. */
export function location(file: string, pos?: SourcePosition): string {
  return pos ? `${file}:${pos.line}:${pos.column}` : file
}

export function iacError(code: string, file: string, pos: SourcePosition | undefined, message: string, hint: string, subject?: string): ScanErrorEntry {
  const e: ScanErrorEntry = { source: location(file, pos), code, message, hint }
  if (subject !== undefined) e.subject = subject
  return e
}

export function newIacInventory(key: string, format: IacFormat, file: string): IacInventory {
  const inv = emptyAccount(key, 'aws') as IacInventory
  inv.sources = [file]
  inv.iac = { format, file, notEvaluated: [], suppressionWarnings: [] }
  return inv
}

/** The ARN tagwarden gives an IaC principal (see docs/iac.md, "Names and ARNs"). */
export function iacArn(kind: 'role' | 'user' | 'group' | 'policy', path: string, name: string): string {
  return `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:${kind}${normalisePath(path)}${name}`
}

export function normalisePath(path: string | undefined): string {
  if (!path || path === '/') return '/'
  let p = path.startsWith('/') ? path : `/${path}`
  if (!p.endsWith('/')) p += '/'
  return p
}

/** Partition and account pieces resolved to the IaC placeholders; true when nothing else was unknown. */
export function placeholderArn(s: string): { text: string; complete: boolean } {
  let complete = true
  const text = substitute(s, (what) => {
    if (what === 'AWS::Partition') return 'aws'
    if (what === 'AWS::AccountId') return IAC_ACCOUNT_PLACEHOLDER
    complete = false
    return '${' + what + '}'
  })
  return { text, complete }
}

/** `outside`: the policy is not in the input at all (not a deploy-time value): a `summary.notEvaluated` entry too. */
export type ManagedArnResolution = { arn: string } | { note: string; outside?: true }

/**
 * A managed policy ARN as written in the template or plan → the ARN the analysis resolves: an AWS managed
 * policy (any partition, `${AWS::Partition}` included) becomes its catalog ARN, a policy of the same
 * template its inventory ARN; anything else is not evaluated (its document is not in the input).
 */
export function resolveManagedArn(v: Value, local: ReadonlyMap<string, ManagedPolicy>, what: string): ManagedArnResolution {
  if (isUnknown(v)) return { note: `${what} \${${v.what}} is known only at deploy time; it grants nothing here` }
  if (typeof v !== 'string') return { note: `${what} ${JSON.stringify(v)} is not an ARN; ignored`, outside: true }
  const { text, complete } = placeholderArn(v)
  const key = awsManagedPolicyKey(text)
  if (key !== undefined && !hasUnknownPiece(key) && !key.includes('${')) return { arn: `arn:aws:iam::aws:policy/${key}` }
  if (complete && local.has(text)) return { arn: text }
  if (!complete) return { note: `${what} ${display(v)} is known only at deploy time; it grants nothing here` }
  return { note: `${what} ${text} is defined outside this input, so its document is unknown; it grants nothing here`, outside: true }
}

export interface TagEntry {
  key: Value
  value: Value
}

/** Tags from key/value entries; unknown values count as present (and are listed), unknown keys make the set unknown. */
export function buildTags(entries: readonly TagEntry[] | undefined, origin: IacOrigin, notes: string[]): Tag[] {
  const tags: Tag[] = []
  if (entries === undefined) return tags
  for (const e of entries) {
    if (typeof e.key !== 'string' || hasUnknownPiece(e.key)) {
      origin.tagsUnknown = true
      notes.push(`a tag key (${isUnknown(e.key) ? '${' + e.key.what + '}' : display(String(e.key))}) is known only at deploy time; required tags count as present`)
      continue
    }
    if (isUnknown(e.value) || (typeof e.value === 'string' && hasUnknownPiece(e.value))) {
      const shown = isUnknown(e.value) ? UNKNOWN_TAG_VALUE : display(e.value)
      tags.push({ key: e.key, value: shown })
      ;(origin.unknownTagKeys ??= []).push(e.key)
      notes.push(`tag ${e.key} has a value known only at deploy time (${isUnknown(e.value) ? '${' + e.value.what + '}' : display(e.value)}); it counts as present`)
      continue
    }
    tags.push({ key: e.key, value: e.value === null ? '' : String(e.value) })
  }
  return tags
}

/** When the tag set is unknown, every required key not already present counts as present. */
export function fillUnknownTags(p: IamPrincipal, origin: IacOrigin, requiredTagKeys: readonly string[]): void {
  if (!origin.tagsUnknown) return
  for (const key of requiredTagKeys) {
    if (p.tags.some((t) => t.key === key)) continue
    p.tags.push({ key, value: UNKNOWN_TAG_VALUE })
    ;(origin.unknownTagKeys ??= []).push(key)
  }
}

/** A permissions boundary whose document is unknown: it allows nothing, so the principal counts as unable. */
export const UNKNOWN_BOUNDARY_ARN = `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:policy/tagwarden/unknown-permissions-boundary`

/** Add the allow-nothing boundary that stands for an unknown one. */
export function ensureUnknownBoundary(inv: IacInventory): void {
  if (inv.managedPolicies.has(UNKNOWN_BOUNDARY_ARN)) return
  inv.managedPolicies.set(UNKNOWN_BOUNDARY_ARN, {
    arn: UNKNOWN_BOUNDARY_ARN,
    name: 'unknown-permissions-boundary',
    document: parsePolicyDocument({ Version: '2012-10-17', Statement: [] }),
  })
}
