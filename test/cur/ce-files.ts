/** The demo's saved Cost Explorer outputs as part 1 reads them (the figures the CUR must agree with). */
import { loadCostExplorerFiles } from '../../src/scanners/cost-explorer/files.js'
import { COST_EXPLORER_RECOGNISERS } from '../../src/scanners/cost-explorer/recognisers.js'
import { DEFAULT_RECOGNISERS, planSnapshot } from '../../src/scanners/snapshot/index.js'
import type { SpendData } from '../../src/spend/model.js'

export async function loadDemoCostExplorer(dir: string): Promise<SpendData> {
  const plan = await planSnapshot([dir], { recognisers: [...DEFAULT_RECOGNISERS, ...COST_EXPLORER_RECOGNISERS] })
  const r = await loadCostExplorerFiles(plan.otherFiles, { tagKeys: ['team'] })
  if (!r.data) throw new Error(`no Cost Explorer data in ${dir}: ${r.reason}`)
  return r.data
}
