/**
 * `tagwarden rules validate FILE [--input PATH]`: every problem of a rules file at once, each as
 * `file:line:column: message` — YAML syntax, the JSON Schema, and meaning (unknown rule IDs in
 * `rules`, `custom` and exceptions, unknown or mistyped rule options, invalid regular expressions,
 * duplicate keys, exception reasons and dates). With `--input`, also what the file says about an
 * actual inventory: scope and gateway globs, accounts and exception targets that match nothing, and
 * exceptions that suppress no finding. Exit 0 valid, 1 problems, 2 usage error.
 */
import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { isTagwardenError, UsageError } from '../errors.js'
import { globMatch } from '../iam/glob.js'
import { BUNDLED_RULES_PATH, RULES_MAX_BYTES, loadRulesConfigFromFiles } from '../config/load.js'
import { checkRulesText, inFileOrder, type Located, type RulesFileProblem } from '../config/problems.js'
import { isObject } from '../util/json.js'
import { readRegularTextSync } from '../util/read-file.js'
import type { ResolvedConfig } from '../config/types.js'
import { RULE_META } from '../rules/index.js'
import type { RuleMeta } from '../rules/types.js'
import { runScan } from '../pipeline/scan.js'
import type { AccountSource } from '../sources/account-source.js'
import { snapshotSource } from '../sources/snapshot.js'

export type ValidationProblem = RulesFileProblem

export interface ValidationResult {
  file: string
  problems: ValidationProblem[]
  /** Errors reading `--input` (the "matches nothing" checks may then be incomplete). */
  inputErrors: string[]
}

type Path = Array<string | number>

interface PrincipalRef {
  arn: string
  path: string
  name: string
  kind: 'user' | 'role'
  accountId: string
}

/** A snapshot source that remembers every user and role streaming past (all of them, capable or not). */
function recordingSource(inner: AccountSource, seen: PrincipalRef[]): AccountSource {
  return {
    prepare: (index) => inner.prepare(index),
    fileCount: () => inner.fileCount(),
    async *accounts() {
      for await (const a of inner.accounts()) {
        for (const p of [...(a.inventory?.users ?? []), ...(a.inventory?.roles ?? [])]) seen.push({ arn: p.arn, path: p.path, name: p.name, kind: p.kind, accountId: p.accountId })
        yield a
      }
    },
  }
}

async function inputProblems(raw: Record<string, unknown>, at: Located, file: string, config: ResolvedConfig, inputs: string[], now: Date): Promise<{ problems: ValidationProblem[]; inputErrors: string[] }> {
  const principals: PrincipalRef[] = []
  const report = await runScan({ config, sources: [recordingSource(snapshotSource(inputs), principals)], now })
  const accounts = new Set(report.summary.accounts.ids)
  const out: ValidationProblem[] = []
  const anyArn = (g: string): boolean => principals.some((p) => globMatch(g, p.arn, { caseInsensitive: false }))
  const anyPath = (g: string): boolean => principals.some((p) => globMatch(g, p.path, { caseInsensitive: false }))
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

  const checkScope = (scope: unknown, path: Path, label: string): void => {
    if (!isObject(scope)) return
    for (const field of ['accounts', 'excludeAccounts'] as const) {
      for (const [j, a] of strings(scope[field]).entries()) {
        if (!accounts.has(a)) out.push({ location: at.at([...path, field, j]), code: 'matches-nothing', message: `${label}: account ${a} is not in the input` })
      }
    }
    for (const field of ['paths', 'excludePaths'] as const) {
      for (const [j, g] of strings(scope[field]).entries()) {
        if (!anyPath(g)) out.push({ location: at.at([...path, field, j]), code: 'matches-nothing', message: `${label}: path glob \`${g}\` matches no IAM user or role in the input` })
      }
    }
    for (const field of ['arns', 'excludeArns'] as const) {
      for (const [j, g] of strings(scope[field]).entries()) {
        if (!anyArn(g)) out.push({ location: at.at([...path, field, j]), code: 'matches-nothing', message: `${label}: ARN glob \`${g}\` matches no IAM user or role in the input` })
      }
    }
  }
  for (const [id, setting] of Object.entries(isObject(raw.rules) ? raw.rules : {})) {
    if (isObject(setting)) checkScope(setting.scope, ['rules', id, 'scope'], `scope of ${id}`)
  }
  for (const [i, c] of (Array.isArray(raw.custom) ? raw.custom : []).entries()) {
    if (isObject(c)) checkScope(c.scope, ['custom', i, 'scope'], `scope of ${typeof c.id === 'string' ? c.id : `custom[${i}]`}`)
  }
  const gateways = isObject(raw.settings) && isObject(raw.settings.gateways) ? raw.settings.gateways : {}
  const roles = principals.filter((p) => p.kind === 'role')
  for (const [j, g] of strings(gateways.namePatterns).entries()) {
    if (!roles.some((r) => globMatch(g, r.name, { caseInsensitive: true }))) {
      out.push({ location: at.at(['settings', 'gateways', 'namePatterns', j]), code: 'matches-nothing', message: `gateway name pattern \`${g}\` matches no role in the input` })
    }
  }
  for (const [j, g] of strings(gateways.arns).entries()) {
    if (g.startsWith('arn:') && !roles.some((r) => globMatch(g, r.arn, { caseInsensitive: false }))) {
      out.push({ location: at.at(['settings', 'gateways', 'arns', j]), code: 'matches-nothing', message: `gateway ARN \`${g}\` matches no role in the input` })
    }
  }
  // Exceptions of this file, matched to the scan's notices by their position.
  const unused = new Set(report.summary.exceptions.filter((n) => n.kind === 'unused').map((n) => n.location))
  for (const [i, ex] of (Array.isArray(raw.exceptions) ? raw.exceptions : []).entries()) {
    if (!isObject(ex)) continue
    const location = at.at(['exceptions', i])
    // The loader positions exceptions by the file's real path.
    const loaderLocation = `${file}:${at.lineCol(['exceptions', i])}`
    if (typeof ex.arn === 'string' && !anyArn(ex.arn)) {
      out.push({ location: at.at(['exceptions', i, 'arn']), code: 'matches-nothing', message: `exception ARN \`${ex.arn}\` matches no IAM user or role in the input` })
    } else if (typeof ex.account === 'string' && !accounts.has(ex.account)) {
      out.push({ location: at.at(['exceptions', i, 'account']), code: 'matches-nothing', message: `exception account ${ex.account} is not in the input` })
    } else if (unused.has(loaderLocation)) {
      out.push({ location, code: 'unused-exception', message: 'exception matches no finding in the input; remove it, or check its rules and target' })
    }
  }
  return { problems: out, inputErrors: report.errors.map((e) => `${e.source}: ${e.message}`) }
}

export interface ValidateOptions {
  inputs?: string[]
  builtins?: ReadonlyMap<string, RuleMeta>
  now?: Date
  /** How the file is named in locations (default: as given). */
  displayPath?: string
}

export async function validateRulesFile(file: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const builtins = opts.builtins ?? RULE_META
  if (!existsSync(file)) throw new UsageError('no-such-path', `${file}: no such file`, 'give the rules file to validate, e.g. tagwarden.yaml')
  const shown = opts.displayPath ?? file
  let text: string
  try {
    // Bounded, like the loader's read: a FIFO or a link to /dev/zero named as the rules file is refused, not read forever.
    text = readRegularTextSync(file, RULES_MAX_BYTES)
  } catch (e) {
    throw new UsageError('rules-file-unreadable', `cannot read rules file ${file}: ${(e as Error).message}`, 'give the path of a regular rules file, e.g. tagwarden.yaml')
  }
  const checked = checkRulesText(text, shown, builtins)
  const { raw, at } = checked
  const result: ValidationResult = { file: shown, problems: checked.problems, inputErrors: [] }
  if (!raw) return result
  const files = raw.extends === 'none' ? [file] : [BUNDLED_RULES_PATH, file]
  let config: ResolvedConfig | undefined
  try {
    config = loadRulesConfigFromFiles(files, builtins)
  } catch (e) {
    // The loader is the final word: anything it rejects that the checks above missed still shows.
    if (!isTagwardenError(e)) throw e
    if (result.problems.length === 0) {
      const location = 'location' in e && typeof e.location === 'string' ? e.location.replace(file, shown) : `${shown}:1:1`
      result.problems.push({ location, code: e.code, message: e.message.replace(/^\S+:\d+:\d+: /, '') })
    }
  }
  if (opts.inputs && opts.inputs.length > 0 && config && result.problems.length === 0) {
    const r = await inputProblems(raw, at, file, config, opts.inputs, opts.now ?? new Date())
    result.problems.push(...r.problems)
    result.inputErrors = r.inputErrors
  }
  inFileOrder(result.problems)
  return result
}

export interface RulesValidateInput {
  file: string
  inputs?: string[] | undefined
  format: 'text' | 'json'
  now?: Date
  cwd?: string
  stdout?: (s: string) => void
  stderr?: (s: string) => void
}

export async function runRulesValidate(i: RulesValidateInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  const cwd = i.cwd ?? process.cwd()
  const abs = resolve(cwd, i.file)
  const inputs = (i.inputs ?? []).map((p) => resolve(cwd, p))
  for (const [j, p] of inputs.entries()) if (!existsSync(p)) throw new UsageError('no-such-path', `--input ${i.inputs![j]}: no such file or folder`, 'give a snapshot file or folder')
  const result = await validateRulesFile(abs, { inputs, displayPath: relative(cwd, abs) || i.file, ...(i.now ? { now: i.now } : {}) })
  for (const e of result.inputErrors) stderr(`tagwarden: warning: ${e} (the checks against --input may be incomplete)\n`)
  if (i.format === 'json') {
    stdout(`${JSON.stringify({ file: result.file, valid: result.problems.length === 0, problems: result.problems }, null, 2)}\n`)
  } else if (result.problems.length === 0) {
    stdout(`${result.file}: valid${inputs.length > 0 ? ' (every glob, account and exception matches the input)' : ''}\n`)
  } else {
    for (const p of result.problems) stdout(`${p.location}: ${p.message}\n`)
    stdout(`\n${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.file}\n`)
  }
  return result.problems.length > 0 ? 1 : 0
}
