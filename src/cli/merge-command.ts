/** What `tagwarden merge` does: read the shard aggregates, run phase two once, then output like scan. */
import { readRegularTextSync } from '../util/read-file.js'
import { UsageError } from '../errors.js'
import { resolveNow } from './clock.js'
import { curSourceFromFlag, runScanCommand, selectRules, type ScanCommandInput } from './scan-command.js'
import { scanProgress, type ScanProgress } from './scan-progress.js'
import { loadRulesConfig } from '../config/load.js'

/** A shard aggregate is JSON text: no larger than the longest string V8 can hold (about 512 MiB). */
const AGGREGATE_MAX_BYTES = 512 * 1024 * 1024
import { RULE_META } from '../rules/index.js'

export async function runMergeCommand(i: Omit<ScanCommandInput, 'inputs' | 'obtain'> & { files: string[] }): Promise<number> {
  if (i.files.length === 0) throw new UsageError('merge-no-input', 'nothing to merge: give the shard aggregate files', 'e.g. `tagwarden merge shard-*.json`')
  const write = i.stderr ?? ((s: string) => void process.stderr.write(s))
  let progress: ScanProgress | undefined
  const stderr = (s: string): void => {
    progress?.clear()
    write(s)
  }
  // `--cur`: validated before any file is read, loaded once the shards are known to be readable.
  const cur = await curSourceFromFlag(i.cur, { env: i.env, region: i.live?.region, profile: i.live?.profile, stderr })
  return runScanCommand({
    ...i,
    inputs: [],
    obtain: async () => {
      const { mergeShards, parseAggregate } = await import('../pipeline/shard-merge.js')
      const aggregates = i.files.map((f) => {
        let text: string
        try {
          // Regular files only (a FIFO would hang the merge), at most what one JavaScript string can hold.
          text = readRegularTextSync(f, AGGREGATE_MAX_BYTES)
        } catch (e) {
          throw new UsageError('merge-input-unreadable', `cannot read ${f}: ${(e as Error).message}`, 'pass the files written by `tagwarden scan --shard K/N --aggregate-output FILE`')
        }
        return parseAggregate(text, f)
      })
      const config = selectRules(loadRulesConfig({ builtins: RULE_META, ...(i.rules !== undefined ? { rulesPath: i.rules } : {}) }), i.skipRules, i.failOnRules)
      const now = resolveNow(i.now, i.env ?? process.env)
      // The ledger is computed over the merged shards: only all of them tell "account not scanned" from "deleted".
      let curLoad
      if (cur) {
        const p = (progress = scanProgress({ ...i.progress, quiet: i.live?.quiet, env: i.env ?? process.env, sources: [], iacOnly: false }))
        try {
          curLoad = await cur.load({ tagKeys: config.settings.requiredTags.map((t) => t.key), now, onProgress: (x) => p.onCur(x) })
        } finally {
          p.stop()
        }
      }
      return { report: mergeShards(aggregates, config, now, curLoad), config }
    },
  })
}
