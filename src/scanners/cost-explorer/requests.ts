/**
 * The Cost Explorer requests tagwarden makes, built in one place: the live path sends them, the docs
 * and `tagwarden spend --help` print the equivalent `aws ce` commands for the offline path, and tests
 * assert them. Types only from the SDK, so this module loads without it.
 */
import type { GetCostAndUsageCommandInput, GetDimensionValuesCommandInput, ListCostAllocationTagsCommandInput } from '@aws-sdk/client-cost-explorer'
import { EXCLUDED_RECORD_TYPES, SPEND_METRIC } from '../../spend/aggregate.js'
import type { SpendPeriod } from '../../model/spend.js'

/** The largest page ListCostAllocationTags allows: one request for almost every organization. */
export const COST_ALLOCATION_TAGS_PAGE = 1000
/** Stop following page tokens after this many pages of one query: each page costs USD 0.01. */
export const MAX_PAGES_PER_QUERY = 50

export function listCostAllocationTagsRequest(nextToken?: string): ListCostAllocationTagsCommandInput {
  return { MaxResults: COST_ALLOCATION_TAGS_PAGE, ...(nextToken ? { NextToken: nextToken } : {}) }
}

/** SERVICE values containing "Bedrock": `Amazon Bedrock` and the Marketplace models (`… (Amazon Bedrock Edition)`). */
export function bedrockServicesRequest(period: SpendPeriod, nextPageToken?: string): GetDimensionValuesCommandInput {
  return {
    TimePeriod: { Start: period.start, End: period.end },
    Dimension: 'SERVICE',
    SearchString: 'Bedrock',
    Context: 'COST_AND_USAGE',
    ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
  }
}

/**
 * Bedrock spend of the period by linked account and one tag key (at most two GroupBy keys, so one query
 * per key), usage only. Without `costKey`: by linked account alone.
 */
export function costAndUsageRequest(period: SpendPeriod, services: readonly string[], costKey: string | undefined, nextPageToken?: string): GetCostAndUsageCommandInput {
  return {
    TimePeriod: { Start: period.start, End: period.end },
    Granularity: 'MONTHLY',
    Metrics: [SPEND_METRIC],
    Filter: {
      And: [
        { Dimensions: { Key: 'SERVICE', Values: [...services] } },
        { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: [...EXCLUDED_RECORD_TYPES] } } },
      ],
    },
    GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }, ...(costKey !== undefined ? [{ Type: 'TAG' as const, Key: costKey }] : [])],
    ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
  }
}

/** The number of billable requests before any is made: pages beyond the first are not known yet. */
export function estimateRequests(tagKeys: readonly string[]): number {
  return 2 + Math.max(1, tagKeys.length)
}

