/**
 * Cost Explorer failures as one clear `errors[]` entry each. The spend check stops at the first
 * failure (the figures would be partial); the IAM findings of the scan are still reported, and the
 * exit code is 2 unless --allow-partial.
 */
import type { ScanErrorEntry } from '../../model/finding.js'
import { awsErrorCode, awsErrorMessage, hintFor, isAccessDenied } from '../live/errors.js'
import type { Redactor } from '../live/redact.js'

export const CE_PERMISSIONS = ['ce:ListCostAllocationTags', 'ce:GetDimensionValues', 'ce:GetCostAndUsage'] as const
export const COST_EXPLORER_DOC = 'docs/cost-explorer.md'

export const CostExplorerErrorCode = {
  /** Not the payer / a billing account, or the ce:* permissions are missing. */
  AccessDenied: 'cost-explorer-access-denied',
  /** Cost Explorer not enabled, or no data yet for the period. */
  DataUnavailable: 'cost-explorer-data-unavailable',
  /** More pages than MAX_PAGES_PER_QUERY, or a page token that repeats. */
  TooManyPages: 'cost-explorer-too-many-pages',
} as const

/** `ce:GetCostAndUsage` failed with … : the message and hint for the cause. */
export function costExplorerErrorEntry(e: unknown, operation: string, opts: { callerArn?: string; redactor?: Redactor; maxAttempts?: number } = {}): ScanErrorEntry {
  const code = awsErrorCode(e)
  const msg = awsErrorMessage(e, opts.redactor)
  const who = opts.callerArn ? ` (${opts.callerArn})` : ''
  const source = `aws ${operation}`
  if (isAccessDenied(code)) {
    return {
      source,
      code: CostExplorerErrorCode.AccessDenied,
      message: `Cost Explorer refused ${operation} (${code}): the caller${who} is not the management (payer) account or a billing account, or lacks ${CE_PERMISSIONS.join(', ')}. Spend was not checked; the IAM findings stand. AWS said: ${msg}`,
      hint: `run --cost-explorer with credentials of the management account (or an account with delegated billing access) allowed ${CE_PERMISSIONS.join(', ')}, see ${COST_EXPLORER_DOC}; or drop --cost-explorer`,
    }
  }
  if (code === 'DataUnavailableException') {
    return {
      source,
      code: CostExplorerErrorCode.DataUnavailable,
      message: `Cost Explorer has no data for ${operation} (${code}): it is not enabled for this account yet, or its data for the period is not ready. Spend was not checked; the IAM findings stand.`,
      hint: 'enable Cost Explorer in the Billing and Cost Management console of the management account (data appears within about 24 hours), or pick a later --since',
    }
  }
  return {
    source,
    code,
    message: `${operation} failed with ${code}: ${msg}. Spend was not checked; the IAM findings stand.`,
    hint: hintFor(code, { operation, ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}) }, e),
  }
}
