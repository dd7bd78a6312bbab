/**
 * The CUR 2.0 columns tagwarden reads, and what to say when one is missing. In Parquet `tags` and
 * `product` are MAP columns; in CSV they are JSON text. Only these columns are read from a Parquet file.
 */

export const COL = {
  account: 'line_item_usage_account_id',
  principal: 'line_item_iam_principal',
  productCode: 'line_item_product_code',
  lineItemType: 'line_item_line_item_type',
  cost: 'line_item_unblended_cost',
  currency: 'line_item_currency_code',
  start: 'line_item_usage_start_date',
  end: 'line_item_usage_end_date',
  tags: 'tags',
  product: 'product',
  /** Not in every export: a flat product name column wins over `product['product_name']` when present. */
  productName: 'product_product_name',
  /** Spend by model in the ledger (`line_item_usage_type`, e.g. `USE1-Claude4.6Sonnet-input-tokens`). */
  usageType: 'line_item_usage_type',
  /** Athena only: the billing-period filter (a timestamp in CUR 2.0). */
  billingPeriodStart: 'bill_billing_period_start_date',
} as const

export type CurColumn = (typeof COL)[keyof typeof COL]

/** Columns without which a file cannot be used at all. */
export const REQUIRED_COLUMNS: readonly CurColumn[] = [COL.account, COL.principal, COL.productCode, COL.lineItemType, COL.cost, COL.start, COL.tags]
/** Columns read when present. */
export const OPTIONAL_COLUMNS: readonly CurColumn[] = [COL.currency, COL.end, COL.product, COL.productName, COL.usageType]

/** `product['product_name']` of the `product` map. */
export const PRODUCT_NAME_KEY = 'product_name'

export const ENABLE_IAM_PRINCIPAL_HINT =
  'this export has no IAM principal data: in Billing and Cost Management → Data Exports, edit (or recreate) the CUR 2.0 export and tick ' +
  '"Include caller identity (IAM principal) allocation data" (API: `TableConfigurations.COST_AND_USAGE_REPORT.INCLUDE_IAM_PRINCIPAL_DATA = "TRUE"`), ' +
  'and select `line_item_iam_principal` and `tags` in its query; data exists from 2026-04-08 on (docs/cur.md)'

export function missingColumnsHint(missing: readonly string[]): string {
  if (missing.includes(COL.principal)) return ENABLE_IAM_PRINCIPAL_HINT
  return `add ${missing.map((c) => `\`${c}\``).join(', ')} to the export's query (Data Exports → the CUR 2.0 export → edit the columns), see docs/cur.md`
}
