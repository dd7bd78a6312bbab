/** JSON spend report: the `SpendReport` object itself (figures, activation, coverage, errors). */
import type { SpendReport } from './spend-model.js'

export function formatSpendJson(report: SpendReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
