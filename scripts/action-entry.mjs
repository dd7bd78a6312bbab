#!/usr/bin/env node
/**
 * Entry of the composite GitHub Action (action.yml): turns the action's inputs (passed as INPUT_*
 * environment variables, because composite steps get no automatic ones) into one `tagwarden scan`,
 * then records the outcome in $GITHUB_OUTPUT. It always exits 0 when tagwarden ran, so the SARIF
 * upload step still runs on findings; the action's last step applies the exit code.
 *
 * Testable without GitHub: `run({ env, spawn })` takes the environment and a spawner, and
 * `TAGWARDEN_BIN` points it at another tagwarden entry (tests use the TypeScript sources).
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
  const args = ['scan', ...user, '--format', 'github', '--fail-on', (env.INPUT_FAIL_ON ?? env['INPUT_FAIL-ON'] ?? '').trim() || 'error']
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
  return { args, sarif, json }
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
