#!/usr/bin/env node
/**
 * Entry of the composite GitHub Action (action.yml): turns the action's inputs (passed as INPUT_*
 * environment variables, because composite steps get no automatic ones) into one `tagwarden scan`,
 * then records the outcome in $GITHUB_OUTPUT. It always exits 0 when tagwarden ran, so the SARIF
 * upload step still runs on findings; the action's last step applies the exit code.
 *
 * On pull-request events the pull request's content is untrusted (docs/security.md): by default the
 * action fetches the base branch and passes `--config-from-ref origin/<base>` (rules file and baseline
 * from the base branch) and `--no-inline-suppressions`; the `config-from-base` and
 * `ignore-inline-suppressions` inputs opt out.
 *
 * Testable without GitHub: `run({ env, spawn })` takes the environment and a spawner (used for git and
 * for tagwarden), and `TAGWARDEN_BIN` points it at another tagwarden entry (tests use the TypeScript sources).
 */
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const DEFAULT_BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))

/** Flags the action sets from its own inputs; repeating them in `args` would be ambiguous. */
const MANAGED_FLAGS = ['--fail-on', '--format', '-f', '--sarif-output', '--markdown-output', '--json-output', '--sarif-category', '--baseline']

/**
 * Splits the `args` input like a POSIX shell splits words, without expanding anything: whitespace
 * separates, '…' is literal, "…" allows \" and \\, a backslash outside quotes escapes one character.
 * No variables, globs or command substitution: the input is data, never code.
 */
export function splitArgs(s) {
  const out = []
  let cur = ''
  let has = false
  let quote = null
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]
    if (quote === "'") {
      if (ch === "'") quote = null
      else cur += ch
    } else if (quote === '"') {
      if (ch === '"') quote = null
      else if (ch === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) cur += s[++i]
      else cur += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      has = true
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i]
      has = true
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur)
      cur = ''
      has = false
    } else {
      cur += ch
      has = true
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in the args input`)
  if (has) out.push(cur)
  return out
}

const truthy = (v) => /^(true|yes|1|on)$/i.test((v ?? '').trim())

/** Events whose checkout is (or may be) the pull request's content. */
const PR_EVENTS = ['pull_request', 'pull_request_target']

/**
 * A branch name that is safe to put in a refspec (`+refs/heads/B:refs/remotes/origin/B`) and a ref
 * argument: no leading `-`, no `..`, no `:`, spaces, wildcards or control characters.
 */
const SAFE_BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/+@=-]+(?<![./])$/

/** Whether `args` already holds `flag` (as `--flag` or `--flag=value`). */
const hasFlag = (args, ...flags) => args.some((a) => flags.includes(a.includes('=') ? a.slice(0, a.indexOf('=')) : a))

/**
 * The trusted-configuration part of a pull-request gate: `{ base, args }` where `base` is the branch to
 * fetch (undefined when nothing is fetched) and `args` the flags to add.
 */
export function prGateArgs(env, user) {
  const event = (env.GITHUB_EVENT_NAME ?? '').trim()
  if (!PR_EVENTS.includes(event)) return { base: undefined, args: [] }
  const args = []
  let base
  const fromBase = truthy(env.INPUT_CONFIG_FROM_BASE ?? env['INPUT_CONFIG-FROM-BASE'] ?? 'true')
  // A --config-from-ref in `args` is the workflow author's own choice: nothing is added or fetched.
  if (fromBase && !hasFlag(user, '--config-from-ref')) {
    base = (env.GITHUB_BASE_REF ?? '').trim()
    if (!base) throw new Error(`a ${event} event without GITHUB_BASE_REF: cannot read the configuration from the base branch; set config-from-base: false`)
    if (!SAFE_BRANCH.test(base)) throw new Error(`the base branch name ${JSON.stringify(base)} is not one the action passes to git; set config-from-base: false and pass --config-from-ref in args`)
    args.push('--config-from-ref', `origin/${base}`)
  }
  const ignore = truthy(env.INPUT_IGNORE_INLINE_SUPPRESSIONS ?? env['INPUT_IGNORE-INLINE-SUPPRESSIONS'] ?? 'true')
  if (ignore && !hasFlag(user, '--inline-suppressions', '--no-inline-suppressions')) args.push('--no-inline-suppressions')
  return { base, args }
}

/** The tagwarden command line for the action's inputs. */
export function buildScanArgs(env) {
  const user = splitArgs(env.INPUT_ARGS ?? '')
  if (user[0] === 'scan') user.shift()
  for (const a of user) {
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a
    if (MANAGED_FLAGS.includes(flag)) {
      throw new Error(`\`${flag}\` is set by the action; use its input instead (fail-on, sarif-file, json-file, category, baseline, summary)`)
    }
  }
  const gate = prGateArgs(env, user)
  const args = ['scan', ...user, ...gate.args, '--format', 'github', '--fail-on', (env.INPUT_FAIL_ON ?? env['INPUT_FAIL-ON'] ?? '').trim() || 'error']
  const sarif = (env.INPUT_SARIF_FILE ?? env['INPUT_SARIF-FILE'] ?? '').trim()
  if (sarif) args.push('--sarif-output', sarif)
  const category = (env.INPUT_CATEGORY ?? '').trim()
  if (category) {
    if (!sarif) throw new Error('the category input needs sarif-file')
    args.push('--sarif-category', category)
  }
  const json = (env.INPUT_JSON_FILE ?? env['INPUT_JSON-FILE'] ?? '').trim()
  if (json) args.push('--json-output', json)
  const baseline = (env.INPUT_BASELINE ?? '').trim()
  if (baseline) args.push('--baseline', baseline)
  if (truthy(env.INPUT_SUMMARY ?? 'true') && env.GITHUB_STEP_SUMMARY) args.push('--markdown-output', env.GITHUB_STEP_SUMMARY)
  return { args, sarif, json, base: gate.base }
}

/**
 * Makes `origin/<base>` available for --config-from-ref: a shallow checkout (actions/checkout's default)
 * holds only the commit under test. Fetched with --depth=1 only when the checkout is shallow already, so a
 * full clone stays full. A failure is logged and left to tagwarden, which refuses a missing ref (exit 2).
 */
function fetchBase(base, { env, spawn, log, cwd }) {
  const shallow = spawn('git', ['rev-parse', '--is-shallow-repository'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const depth = String(shallow.stdout ?? '').trim() === 'false' ? [] : ['--depth=1']
  const res = spawn('git', ['fetch', '--no-tags', ...depth, 'origin', `+refs/heads/${base}:refs/remotes/origin/${base}`], { cwd, env, stdio: 'inherit' })
  if (res.error || res.status !== 0) {
    log(`::warning title=tagwarden action::could not fetch the base branch ${base} (${res.error ? res.error.message : `git exit code ${res.status}`}); tagwarden needs origin/${base} for --config-from-ref\n`)
  }
}

function setOutput(env, name, value) {
  if (!env.GITHUB_OUTPUT) return
  // Values are single-line (paths, numbers); the heredoc form is not needed.
  appendFileSync(env.GITHUB_OUTPUT, `${name}=${String(value).replace(/[\r\n]/g, ' ')}\n`)
}

/** Runs the scan and writes `exit-code`, `sarif-file` and `json-file` outputs. Returns this step's exit code. */
export function run({ env = process.env, spawn = spawnSync, log = (s) => process.stdout.write(s) } = {}) {
  let built
  try {
    built = buildScanArgs(env)
  } catch (e) {
    log(`::error title=tagwarden action::${e.message}\n`)
    setOutput(env, 'exit-code', 2)
    return 2
  }
  const bin = env.TAGWARDEN_BIN || DEFAULT_BIN
  const cwd = env.GITHUB_WORKSPACE || process.cwd()
  if (built.base) fetchBase(built.base, { env, spawn, log, cwd })
  const res = spawn(process.execPath, [bin, ...built.args], { stdio: 'inherit', env, cwd })
  const code = typeof res.status === 'number' ? res.status : 2
  if (res.error) log(`::error title=tagwarden action::could not run tagwarden: ${res.error.message}\n`)
  setOutput(env, 'exit-code', code)
  const sarifPath = built.sarif ? resolve(cwd, built.sarif) : ''
  setOutput(env, 'sarif-file', sarifPath && existsSync(sarifPath) ? built.sarif : '')
  const jsonPath = built.json ? resolve(cwd, built.json) : ''
  setOutput(env, 'json-file', jsonPath && existsSync(jsonPath) ? built.json : '')
  // 0 and 1 are results; anything else means tagwarden could not produce a trustworthy result.
  return code === 0 || code === 1 ? 0 : code
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = run()
}
