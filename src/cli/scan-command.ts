/** What `tagwarden scan` does once its flags are parsed: config → sources → pipeline → reporter → exit code. */
import { writeFileSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { resolveNow } from './clock.js'
import { scanExitCode, type FailOn } from './exit.js'
import { loadRulesConfig } from '../rules/config.js'
import { RULE_META } from '../rules/index.js'
import { runScan } from '../pipeline/scan.js'
import { snapshotSource } from '../pipeline/snapshot-source.js'
import { formatJson } from '../report/json.js'
import { formatText } from '../report/text.js'

export interface ScanCommandInput {
  inputs: string[]
  format: 'text' | 'json'
  output?: string | undefined
  failOn: FailOn
  rules?: string | undefined
  now?: string | undefined
  color?: boolean | undefined
  verbose?: boolean | undefined
}

export async function runScanCommand(i: ScanCommandInput): Promise<number> {
  if (i.inputs.length === 0) {
    throw new UsageError('no-input', 'nothing to scan: give at least one --input PATH', 'e.g. `tagwarden scan --input examples/demo-org`; export a snapshot with `aws iam get-account-authorization-details --output json > auth.json`')
  }
  const now = resolveNow(i.now)
  const config = loadRulesConfig({ builtins: RULE_META, ...(i.rules !== undefined ? { rulesPath: i.rules } : {}) })
  const report = await runScan({ config, sources: [snapshotSource(i.inputs)], now })
  const toStdout = i.output === undefined || i.output === '-'
  const color = i.color ?? (toStdout && process.stdout.isTTY === true && !process.env.NO_COLOR)
  const text = i.format === 'json' ? formatJson(report) : formatText(report, { color, verbose: i.verbose ?? false })
  if (toStdout) process.stdout.write(text)
  else writeFileSync(i.output!, text)
  return scanExitCode(report, { failOn: i.failOn })
}
