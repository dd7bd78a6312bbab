/**
 * The snapshot scanner's error entries. Each one names the file (and the principal/policy when there is
 * one) and carries a hint that says how to fix the input. Nothing here throws.
 */
import type { ScanErrorEntry } from '../../model/finding.js'

export const SnapshotErrorCode = {
  InvalidJson: 'invalid-json',
  UnrecognisedInput: 'unrecognised-input',
  InvalidPolicyDocument: 'invalid-policy-document',
  InvalidEntity: 'invalid-entity',
  AccountIdConflict: 'account-id-conflict',
  AccountIdUnknown: 'account-id-unknown',
  UnreadableFile: 'unreadable-file',
  IncompleteExport: 'incomplete-export',
  DuplicateEntity: 'duplicate-entity',
  /** A tag key or value longer than IAM allows (kept as it is, never truncated). */
  InvalidTag: 'invalid-tag',
} as const
export type SnapshotErrorCode = (typeof SnapshotErrorCode)[keyof typeof SnapshotErrorCode]

export const EXPORT_AUTH_DETAILS = 'aws iam get-account-authorization-details --output json'
export const EXPORT_API_KEYS =
  'aws iam list-service-specific-credentials --all-users --service-name bedrock.amazonaws.com --output json'
export const EXPORT_ORG_ACCOUNTS = 'aws organizations list-accounts --output json'

export const HINTS = {
  invalidJson: (file: string) =>
    `Re-export the file with the AWS CLI, e.g. \`${EXPORT_AUTH_DETAILS} > ${file}\`; a cut-off download or a hand edit breaks the JSON.`,
  unrecognised:
    `tagwarden reads the JSON output of \`${EXPORT_AUTH_DETAILS}\`, \`${EXPORT_API_KEYS}\` and \`${EXPORT_ORG_ACCOUNTS}\`; ` +
    'move other JSON files out of the --input folders or pass the snapshot files one by one.',
  invalidPolicy:
    'tagwarden skipped this policy, so the result for this principal is incomplete; correct the document in IAM ' +
    `(or the file) and re-export with \`${EXPORT_AUTH_DETAILS}\`.`,
  invalidEntity: `Re-export with \`${EXPORT_AUTH_DETAILS}\` instead of editing the file by hand.`,
  invalidOrgEntity: `Re-export with \`${EXPORT_ORG_ACCOUNTS}\` instead of editing the file by hand.`,
  accountConflict:
    'Export one account per file: run the export with credentials for each account separately and keep each ' +
    'account in its own file or folder.',
  accountUnknown:
    'Name the file or its folder after the 12-digit account ID, e.g. `snapshots/111111111111/bedrock-keys.json`; ' +
    'this output carries no ARN that names the account.',
  unreadable: 'Check that the path exists and is readable by the user running tagwarden.',
  tooLarge: `Export in pages, e.g. \`${EXPORT_AUTH_DETAILS} --max-items 5000\` and then \`--starting-token <NextToken>\`, one file per page.`,
  incomplete:
    'Save every page: let the AWS CLI paginate (omit --max-items and --no-paginate), or keep requesting with the ' +
    'returned Marker/NextToken until IsTruncated is false and save each page next to the others.',
  duplicate:
    'Pass each account’s export only once: remove older or overlapping snapshots of the same account from the --input folders.',
}

export function snapshotError(
  code: SnapshotErrorCode,
  source: string,
  message: string,
  hint: string,
  extra: { accountId?: string; subject?: string } = {},
): ScanErrorEntry {
  const entry: ScanErrorEntry = { source, code, message, hint }
  if (extra.accountId !== undefined) entry.accountId = extra.accountId
  if (extra.subject !== undefined) entry.subject = extra.subject
  return entry
}

export function formatPosition(file: string, line?: number, column?: number): string {
  return line !== undefined && column !== undefined ? `${file}:${line}:${column}` : file
}
