/** `tagwarden rules list`: every rule instance in effect (built-in and custom), with where it was configured. */
import { relative } from 'node:path'
import { loadRulesConfig } from '../config/load.js'
import type { RuleInstance } from '../config/types.js'
import { RULE_META } from '../rules/index.js'
import type { RuleMeta } from '../rules/types.js'

export interface RulesListInput {
  format: 'text' | 'json'
  rules?: string | undefined
  cwd?: string
  stdout?: (s: string) => void
  /** Injectable for tests. */
  builtins?: ReadonlyMap<string, RuleMeta>
}

export interface RuleListEntry {
  id: string
  /** The built-in rule a custom rule extends; absent for built-in rules. */
  extends?: string
  severity: RuleInstance['severity']
  enabled: boolean
  /** Where it was last configured: a rules file, `<bundled>` (tagwarden's rules.yaml) or `<built-in>` (defaults). */
  source: string
  summary: string
}

export function listRules(instances: readonly RuleInstance[], builtins: ReadonlyMap<string, RuleMeta>, cwd = process.cwd()): RuleListEntry[] {
  return instances.map((r) => {
    const e: RuleListEntry = {
      id: r.id,
      severity: r.severity,
      enabled: r.enabled,
      source: r.source.startsWith('<') ? r.source : relative(cwd, r.source) || r.source,
      summary: builtins.get(r.base)?.summary ?? '',
    }
    if (r.base !== r.id) e.extends = r.base
    return e
  })
}

export function formatRuleList(entries: readonly RuleListEntry[]): string {
  const rows = [['ID', 'SEVERITY', 'ENABLED', 'SOURCE'], ...entries.map((e) => [e.extends ? `${e.id} (extends ${e.extends})` : e.id, e.severity, e.enabled ? 'yes' : 'no', e.source])]
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return `${rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n')}\n`
}

export function runRulesList(i: RulesListInput): number {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const cwd = i.cwd ?? process.cwd()
  const builtins = i.builtins ?? RULE_META
  const config = loadRulesConfig({ builtins, cwd, ...(i.rules !== undefined ? { rulesPath: i.rules } : {}) })
  const entries = listRules(config.rules, builtins, cwd)
  stdout(i.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : formatRuleList(entries))
  return 0
}
