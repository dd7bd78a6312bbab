/**
 * Tag policies from AWS Organizations, for `init --from-tag-policy aws`: one account's effective policy
 * (`DescribeEffectivePolicy`, exact) or every tag policy of the organization (`ListPolicies` with
 * `TAG_POLICY` + `DescribePolicy`, merged). Read-only calls only; the client carries the read-only guard.
 */
import {
  DescribeEffectivePolicyCommand,
  DescribePolicyCommand,
  ListPoliciesCommand,
  type OrganizationsClient,
  type PolicySummary,
} from '@aws-sdk/client-organizations'
import { TagPolicyError, type TagPolicyDocument } from './parse.js'

type OrgSender = Pick<OrganizationsClient, 'send'>

export interface FetchTagPolicyOptions {
  /** An account ID: its effective tag policy. */
  accountId?: string
  /** Only these policy IDs (`p-…`) of the organization's tag policies. */
  policyIds?: string[]
}

function code(e: unknown): string {
  const err = (e ?? {}) as { name?: string; Code?: string }
  return err.Code ?? err.name ?? 'unknown-error'
}

function fail(e: unknown, operation: string): never {
  const c = code(e)
  const hint =
    c === 'AccessDeniedException' || c === 'AccessDenied'
      ? `run it with the management account or a delegated administrator, allowed organizations:${operation}`
      : c === 'AWSOrganizationsNotInUseException'
        ? 'the account is not in an organization: give the tag policy as a file instead'
        : c === 'EffectivePolicyNotFoundException'
          ? 'no tag policy applies to that account'
          : 'check the credentials (--profile) and retry'
  throw new TagPolicyError('tag-policy-fetch-failed', `organizations:${operation} failed: ${c}: ${(e as Error)?.message ?? String(e)}`, hint)
}

export async function fetchTagPolicies(org: OrgSender, opts: FetchTagPolicyOptions = {}): Promise<TagPolicyDocument[]> {
  if (opts.accountId !== undefined) {
    let out
    try {
      out = await org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: opts.accountId }))
    } catch (e) {
      fail(e, 'DescribeEffectivePolicy')
    }
    const content = out.EffectivePolicy?.PolicyContent
    if (!content) throw new TagPolicyError('tag-policy-not-found', `no effective tag policy for account ${opts.accountId}`, 'attach a tag policy to the account, an OU above it, or the root')
    return [{ source: `effective tag policy of ${opts.accountId}`, content, effective: true }]
  }
  const summaries: PolicySummary[] = []
  const seen = new Set<string>()
  let token: string | undefined
  do {
    let page
    try {
      page = await org.send(new ListPoliciesCommand({ Filter: 'TAG_POLICY', MaxResults: 20, ...(token ? { NextToken: token } : {}) }))
    } catch (e) {
      fail(e, 'ListPolicies')
    }
    summaries.push(...(page.Policies ?? []))
    // Organizations may return an empty page with a NextToken: follow it, but never loop.
    token = page.NextToken && !seen.has(page.NextToken) ? page.NextToken : undefined
    if (token) seen.add(token)
  } while (token)
  const wanted = opts.policyIds ? summaries.filter((s) => s.Id !== undefined && opts.policyIds!.includes(s.Id)) : summaries
  for (const id of opts.policyIds ?? []) {
    if (!summaries.some((s) => s.Id === id)) throw new TagPolicyError('tag-policy-not-found', `no tag policy ${id} in the organization`, 'list them with `aws organizations list-policies --filter TAG_POLICY`')
  }
  if (wanted.length === 0) throw new TagPolicyError('tag-policy-not-found', 'the organization has no tag policies', 'create one, or give a tag policy file')
  const docs: TagPolicyDocument[] = []
  for (const s of [...wanted].sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''))) {
    let out
    try {
      out = await org.send(new DescribePolicyCommand({ PolicyId: s.Id }))
    } catch (e) {
      fail(e, 'DescribePolicy')
    }
    const content = out.Policy?.Content
    if (content) docs.push({ source: `tag policy ${s.Name ?? s.Id} (${s.Id})`, content, effective: false })
  }
  return docs
}
