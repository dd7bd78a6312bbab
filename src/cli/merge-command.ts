/** What `tagwarden merge` does: read the shard aggregates, run phase two once, then output like scan. */
import { readFileSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { resolveNow } from './clock.js'
import { runScanCommand, selectRules, type ScanCommandInput } from './scan-command.js'
import { loadRulesConfig } from '../config/load.js'
import { RULE_META } from '../rules/index.js'

export async function runMergeCommand(i: Omit<ScanCommandInput, 'inputs' | 'obtain'> & { files: string[] }): Promise<number> {
  if (i.files.length === 0) throw new UsageError('merge-no-input', 'nothing to merge: give the shard aggregate files', 'e.g. `tagwarden merge shard-*.json`')
  return runScanCommand({
    ...i,
    inputs: [],
    obtain: async () => {
      const { mergeShards, parseAggregate } = await import('../pipeline/shard-merge.js')
      const aggregates = i.files.map((f) => {
        let text: string
        try {
          text = readFileSync(f, 'utf8')
        } catch (e) {
          throw new UsageError('merge-input-unreadable', `cannot read ${f}: ${(e as Error).message}`, 'pass the files written by `tagwarden scan --shard K/N --aggregate-output FILE`')
        }
        return parseAggregate(text, f)
      })
      const config = selectRules(loadRulesConfig({ builtins: RULE_META, ...(i.rules !== undefined ? { rulesPath: i.rules } : {}) }), i.skipRules, i.failOnRules)
      return { report: mergeShards(aggregates, config, resolveNow(i.now, i.env ?? process.env)), config }
    },
  })
}
