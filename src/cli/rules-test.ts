/**
 * `tagwarden rules test DIR`: the rule unit-test harness. Every case file under DIR (the format of
 * src/testing/rule-cases.ts: inputs, optional rules, expected findings) runs through the same runner
 * as tagwarden's own rule tests; `--rules FILE` layers the user's rules file under every case, so
 * custom rules can be tested in CI. Exit 0 all pass, 1 any fails, 2 usage error (no cases, a case
 * file that does not load, a rules file that does not validate).
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../config/load.js'
import { RULE_META } from '../rules/index.js'
import { loadRuleCase, runRuleCase, type RuleCase } from '../testing/rule-cases.js'

export interface RulesTestInput {
  /** A folder (walked for *.yaml, *.yml, *.json) or one case file. */
  path: string
  rules?: string | undefined
  format: 'text' | 'json'
  cwd?: string
  stdout?: (s: string) => void
  stderr?: (s: string) => void
}

export interface CaseOutcome {
  file: string
  description: string
  passed: boolean
  problems: string[]
}

/** Case files under `dir`, sorted, hidden folders skipped. */
export function findCaseFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const p = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...findCaseFiles(p))
    else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(p)
  }
  return out.sort()
}

/** Rule IDs a case may name: the built-ins, the custom rules of the rules file, and its own. */
function unknownRuleIds(c: RuleCase, known: ReadonlySet<string>): string[] {
  const own = Array.isArray((c.rules as { custom?: unknown } | undefined)?.custom)
    ? ((c.rules as { custom: Array<{ id?: unknown }> }).custom.map((x) => x.id).filter((x): x is string => typeof x === 'string'))
    : []
  const ids = new Set([...c.only, ...c.expect.map((e) => e.ruleId)])
  return [...ids].filter((id) => !known.has(id) && !own.includes(id))
}

export async function runRulesTestCases(files: readonly string[], opts: { rules?: string | undefined; cwd: string }): Promise<CaseOutcome[]> {
  const baseRulesFiles = opts.rules !== undefined ? [resolve(opts.cwd, opts.rules)] : []
  // A rules file that does not load would fail every case the same way: a usage error, once.
  const base = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, ...baseRulesFiles], RULE_META)
  const known = new Set(base.rules.map((r) => r.id))
  const cases: RuleCase[] = []
  const loadErrors: string[] = []
  for (const f of files) {
    try {
      cases.push(loadRuleCase(f))
    } catch (e) {
      loadErrors.push((e as Error).message)
    }
  }
  if (loadErrors.length > 0) {
    throw new UsageError('rule-case-invalid', `${loadErrors.length} case file${loadErrors.length === 1 ? '' : 's'} could not be loaded:\n  ${loadErrors.join('\n  ')}`, 'see the case format in `tagwarden rules test --help`')
  }
  const outcomes: CaseOutcome[] = []
  for (const c of cases) {
    const file = relative(opts.cwd, c.file) || c.file
    const unknown = unknownRuleIds(c, known)
    if (unknown.length > 0) {
      outcomes.push({ file, description: c.description, passed: false, problems: unknown.map((id) => `names unknown rule ${id}: a case about a rule that does not exist would pass without testing anything`) })
      continue
    }
    try {
      const r = await runRuleCase(c, { baseRulesFiles })
      outcomes.push({ file, description: c.description, passed: r.passed, problems: r.problems })
    } catch (e) {
      outcomes.push({ file, description: c.description, passed: false, problems: [`error: ${(e as Error).message}`] })
    }
  }
  return outcomes
}

export function formatOutcomes(outcomes: readonly CaseOutcome[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    lines.push(`${o.passed ? 'PASS' : 'FAIL'}  ${o.file}  ${o.description}`)
    for (const p of o.problems) lines.push(`      ${p}`)
  }
  const failed = outcomes.filter((o) => !o.passed).length
  lines.push('', `${outcomes.length - failed} passed, ${failed} failed (${outcomes.length} case${outcomes.length === 1 ? '' : 's'})`)
  return `${lines.join('\n')}\n`
}

export async function runRulesTest(i: RulesTestInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const cwd = i.cwd ?? process.cwd()
  const target = resolve(cwd, i.path)
  if (!existsSync(target)) throw new UsageError('no-such-path', `${i.path}: no such file or folder`, 'give the folder that holds your rule case files')
  if (i.rules !== undefined && !existsSync(resolve(cwd, i.rules))) throw new UsageError('no-such-path', `--rules ${i.rules}: no such file`, 'give the rules file your cases should run with')
  const files = statSync(target).isDirectory() ? findCaseFiles(target) : [target]
  if (files.length === 0) throw new UsageError('no-rule-cases', `${i.path}: no case files (*.yaml, *.yml, *.json)`, 'write one per case: inputs, optional rules, and the expected findings')
  const outcomes = await runRulesTestCases(files, { rules: i.rules, cwd })
  const failed = outcomes.filter((o) => !o.passed).length
  if (i.format === 'json') stdout(`${JSON.stringify({ passed: outcomes.length - failed, failed, cases: outcomes }, null, 2)}\n`)
  else stdout(formatOutcomes(outcomes))
  return failed > 0 ? 1 : 0
}
