/**
 * Which AWS account a snapshot file belongs to: from the ARNs of its own top-level entities, or, for
 * outputs that carry no ARN (list-service-specific-credentials), from a 12-digit number in its path.
 */

/** An IAM user, role, group or managed policy ARN. Account is `aws` for AWS managed policies. */
export interface EntityArn {
  partition: string
  /** 12 digits, or `aws` for AWS managed policies. */
  account: string
  type: 'user' | 'role' | 'group' | 'policy'
  /** IAM path, `/` when the ARN has none. */
  path: string
  name: string
}

const ENTITY_ARN_RE = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}|aws):(user|role|group|policy)(\/(?:.*\/)?)([^/]+)$/

export function parseEntityArn(arn: string): EntityArn | undefined {
  const m = ENTITY_ARN_RE.exec(arn)
  if (!m) return undefined
  const [, partition = '', account = '', type = '', path = '/', name = ''] = m
  return { partition, account, type: type as EntityArn['type'], path, name }
}

/**
 * The first `"Arn": "arn:<partition>:iam::<12 digits>:(user|role|group|policy)/` in a text. Policy documents
 * never use an `Arn` key (they use `AWS`, `Resource`, `aws:PrincipalArn`…), and URL-encoded or
 * string-embedded documents cannot match because their quotes are escaped, so the first hit belongs to a
 * top-level entity (or a role nested in an instance profile, which lives in the same account).
 */
const FIRST_ENTITY_ARN_RE = /"Arn"\s*:\s*"arn:([a-z][a-z0-9-]*):iam::(\d{12}):(?:user|role|group|policy)\//

export function sniffEntityAccount(text: string): { accountId: string; partition: string } | undefined {
  const m = FIRST_ENTITY_ARN_RE.exec(text)
  return m ? { partition: m[1] ?? 'aws', accountId: m[2] ?? '' } : undefined
}

const ACCOUNT_IN_SEGMENT_RE = /(?<!\d)\d{12}(?!\d)/g

export type PathAccount =
  | { kind: 'found'; accountId: string }
  | { kind: 'ambiguous'; segment: string; candidates: string[] }
  | { kind: 'none' }

/**
 * The 12-digit number in the path segment closest to the file: the file name first, then its folder,
 * then the folder above… (`snap/111111111111/keys.json`, `snap/acct-111111111111-keys.json`).
 * Two different numbers in that one segment are ambiguous.
 */
export function accountIdFromPath(file: string): PathAccount {
  const segments = file.split(/[\\/]+/).filter((s) => s !== '')
  for (let i = segments.length - 1; i >= 0; i--) {
    let segment = segments[i] ?? ''
    if (i === segments.length - 1) segment = segment.replace(/\.[^.]*$/, '')
    const found = [...new Set(segment.match(ACCOUNT_IN_SEGMENT_RE) ?? [])]
    if (found.length === 1 && found[0]) return { kind: 'found', accountId: found[0] }
    if (found.length > 1) return { kind: 'ambiguous', segment: segments[i] ?? '', candidates: found }
  }
  return { kind: 'none' }
}
