/**
 * `tagwarden rules explain ID`: the rule's help, exactly `ruleHelpMarkdown` — the text of
 * docs/rules/<id>.md and of SARIF `help`. A custom rule ID from the rules file is explained through
 * the built-in rule it extends.
 */
import { UsageError } from '../errors.js'
import { loadRulesConfig } from '../config/load.js'
import { ruleDocUrl, ruleHelpMarkdown } from '../rules/docs.js'
import { RULE_META } from '../rules/index.js'
import type { RuleMeta } from '../rules/types.js'
import { suggest } from '../util/text.js'

export interface RulesExplainInput {
  id: string
  rules?: string | undefined
  cwd?: string
  stdout?: (s: string) => void
  builtins?: ReadonlyMap<string, RuleMeta>
}

export function runRulesExplain(i: RulesExplainInput): number {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const builtins = i.builtins ?? RULE_META
  const meta = builtins.get(i.id)
  if (meta) {
    stdout(ruleHelpMarkdown(meta))
    return 0
  }
  // Only a non-built-in ID needs the rules file (a custom rule); built-ins explain without one.
  const config = loadRulesConfig({ builtins, ...(i.cwd ? { cwd: i.cwd } : {}), ...(i.rules !== undefined ? { rulesPath: i.rules } : {}) })
  const custom = config.rules.find((r) => r.id === i.id)
  const base = custom ? builtins.get(custom.base) : undefined
  if (!custom || !base) {
    throw new UsageError('unknown-rule', `no rule ${i.id}${suggest(i.id, config.rules.map((r) => r.id))}`, 'run `tagwarden rules list` for the rule IDs')
  }
  const options = Object.keys(custom.options).length > 0 ? ` with options ${JSON.stringify(custom.options)}` : ''
  stdout(`<!-- ${i.id} is a custom rule from ${custom.source}: an instance of ${base.id}${options} (${ruleDocUrl(base.id)}) -->\n\n${ruleHelpMarkdown(base)}`)
  return 0
}
