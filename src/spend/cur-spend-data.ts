/**
 * CUR figures in part 1's `SpendData` shape: on their own (a scan with `--cur` and no Cost Explorer
 * data: the per-key rules and the spend report then read the CUR), or merged into Cost Explorer's
 * (Cost Explorer keeps its figures and activation state; the CUR adds `byPrincipal`, and a note when the
 * two disagree by more than a cent).
 */
import type { CurSpendData } from './cur-model.js'
import { formatMoney, roundAmount, type SpendData } from './model.js'
import type { SpendSourceKind } from '../model/spend.js'

export const CUR_BASIS = 'line_item_unblended_cost of Bedrock usage line items (Usage, DiscountedUsage, SavingsPlanCoveredUsage), clipped to the period: credits, refunds, taxes and fees excluded'

function byPrincipalOf(cur: CurSpendData): NonNullable<SpendData['byPrincipal']> {
  const out: NonNullable<SpendData['byPrincipal']> = {}
  for (const p of cur.principals) {
    if (p.arn === '') continue
    out[p.arn] = { total: p.total, unattributed: p.unattributed }
  }
  return out
}

export function curToSpendData(cur: CurSpendData): SpendData {
  return {
    // `SpendSourceKind` gains the CUR kinds in model.ts (part 2); until then the cast names them.
    source: { kind: cur.source.kind as SpendSourceKind, files: [cur.source.location] },
    period: { ...cur.period },
    metric: 'UnblendedCost',
    currency: cur.currency,
    basis: CUR_BASIS,
    accounts: Object.fromEntries(Object.entries(cur.accounts).map(([id, a]) => [id, { total: a.total }])),
    total: cur.total,
    byTag: cur.byTag,
    estimated: false,
    notes: [...cur.notes],
    byPrincipal: byPrincipalOf(cur),
  }
}

/** Cost Explorer's data with the CUR's per-principal figures added; a note per key where the totals differ. */
export function mergeCurIntoSpend(ce: SpendData, cur: CurSpendData): SpendData {
  const notes = [...ce.notes]
  const samePeriod = ce.period !== undefined && ce.period.start === cur.period.start && ce.period.end === cur.period.end
  if (!samePeriod) notes.push(`the CUR was read for ${cur.period.start}–${cur.period.end}, Cost Explorer for ${ce.period ? `${ce.period.start}–${ce.period.end}` : 'an unknown period'}`)
  else {
    for (const [key, t] of Object.entries(ce.byTag)) {
      const c = cur.byTag[key]
      if (!c) continue
      if (Math.abs(roundAmount(c.total - t.total)) >= 0.01 || Math.abs(roundAmount(c.untagged - t.untagged)) >= 0.01) {
        notes.push(
          `\`${key}\`: the CUR and Cost Explorer disagree (CUR ${formatMoney(c.total, cur.currency)} of which ${formatMoney(c.untagged, cur.currency)} unattributed; Cost Explorer ${formatMoney(t.total, ce.currency)} of which ${formatMoney(t.untagged, ce.currency)} untagged): an inactive cost allocation tag, Cost Explorer's own lag, or a CUR export of other accounts`,
        )
      }
    }
  }
  return { ...ce, notes, byPrincipal: byPrincipalOf(cur) }
}
