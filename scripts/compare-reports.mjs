#!/usr/bin/env node
/**
 * Compares what two versions of tagwarden report for the same inputs: the JSON report (minus `generatedAt`,
 * `schemaVersion` and the tool version) and the SARIF log (minus the driver's version fields) of
 *   - the demo organization (IAM, Cost Explorer and CUR, as `npm run demo` scans it),
 *   - each example under examples/iac and all of examples/iac together,
 *   - every rule case under test/rules/cases (inputs materialised as `tagwarden rules test` does).
 *
 * A refactoring must show no difference; a change that means to alter a report shows exactly the
 * differences it explains in its commit message.
 *
 *   node scripts/compare-reports.mjs                 # the work tree (built now) against main
 *   node scripts/compare-reports.mjs --base HEAD~3   # … against another commit
 *   node scripts/compare-reports.mjs --only demo     # only cases whose name contains "demo"
 *   node scripts/compare-reports.mjs --keep /tmp/cmp # keep both sets of outputs there
 *
 * The base is checked out in a temporary git worktree and built with this tree's node_modules (run
 * `npm ci` there instead with --install when the dependencies differ). Each version reads its own
 * examples and cases, copied to the same staging folder, so paths in the reports agree. Exit code: 0 when
 * every output is identical, 1 when any differs, 2 on a usage or build error.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse as parseYaml } from 'yaml'

const HEAD_TREE = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const NOW = '2026-11-26T00:00:00Z'

const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'main' },
    only: { type: 'string' },
    keep: { type: 'string' },
    install: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''))
  process.exit(0)
}

function fail(message) {
  console.error(`compare-reports: ${message}`)
  process.exit(2)
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts })
  if (r.error) throw r.error
  return r
}

const work = args.keep ? resolve(args.keep) : mkdtempSync(join(tmpdir(), 'tagwarden-compare-'))
const stage = join(work, 'stage')
mkdirSync(work, { recursive: true })

// ---- the base version, in its own worktree --------------------------------------------------------
const baseCommit = run('git', ['-C', HEAD_TREE, 'rev-parse', '--verify', `${args.base}^{commit}`])
if (baseCommit.status !== 0) fail(`unknown base ref ${args.base}`)
const baseSha = baseCommit.stdout.trim()
const baseTree = join(work, 'base-tree')
rmSync(baseTree, { recursive: true, force: true })
run('git', ['-C', HEAD_TREE, 'worktree', 'prune'])
const added = run('git', ['-C', HEAD_TREE, 'worktree', 'add', '--detach', baseTree, baseSha])
if (added.status !== 0) fail(`git worktree add failed:\n${added.stderr}`)

function build(tree, label) {
  if (!existsSync(join(tree, 'node_modules'))) {
    if (args.install) {
      const r = run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: tree })
      if (r.status !== 0) fail(`npm ci in ${label} failed:\n${r.stderr}`)
    } else symlinkSync(join(HEAD_TREE, 'node_modules'), join(tree, 'node_modules'), 'dir')
  }
  if (label === 'head' && args['no-build']) return
  const r = run(join(tree, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: tree })
  if (r.status !== 0) fail(`build of ${label} failed:\n${r.stdout}${r.stderr}`)
}

// ---- the inputs of each version ---------------------------------------------------------------------
/** A rule case's inputs, written as `tagwarden rules test` writes them; returns the scan arguments. */
function materialiseCase(file, dir) {
  const c = parseYaml(readFileSync(file, 'utf8'))
  const inputDir = join(dir, 'input')
  for (const input of c.inputs ?? []) {
    const target = join(inputDir, input.path)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, typeof input.content === 'string' ? input.content : JSON.stringify(input.content, null, 2))
  }
  const argv = []
  if (c.rules) {
    writeFileSync(join(dir, 'rules.json'), JSON.stringify({ version: 1, ...c.rules }))
    argv.push('--rules', join(dir, 'rules.json'))
  }
  const iac = (c.iac ?? []).map((p) => join(inputDir, p))
  const snapshots = (c.inputs ?? []).filter((x) => !(c.iac ?? []).includes(x.path) && x.path.endsWith('.json')).map((x) => join(inputDir, x.path))
  if (iac.length === 0) argv.push('--input', inputDir)
  else {
    argv.push('--iac', ...iac)
    if (snapshots.length > 0) argv.push('--input', ...snapshots)
  }
  if (c.cur !== undefined) argv.push('--cur', join(inputDir, c.cur))
  argv.push('--now', c.now ? `${c.now}T00:00:00Z` : NOW, '--base-path', inputDir)
  return argv
}

function walkYaml(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return walkYaml(p)
    return /\.(ya?ml|json)$/.test(e.name) ? [p] : []
  })
}

/** Copies a version's examples and rule cases to the staging folder and lists the scans to run. */
function stageInputs(tree) {
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  cpSync(join(tree, 'examples'), join(stage, 'examples'), { recursive: true })
  const scans = [
    {
      name: 'demo',
      argv: ['--input', 'examples/demo-org', '--cur', 'examples/demo-org/cur/parquet', '--rules', 'examples/demo-org/tagwarden.yaml', '--now', NOW],
    },
    { name: 'iac', argv: ['--iac', 'examples/iac', '--now', NOW] },
  ]
  for (const e of readdirSync(join(stage, 'examples/iac'), { withFileTypes: true })) {
    if (e.isDirectory()) scans.push({ name: `iac-${e.name}`, argv: ['--iac', `examples/iac/${e.name}`, '--now', NOW] })
  }
  const casesRoot = join(tree, 'test/rules/cases')
  for (const file of walkYaml(casesRoot).sort()) {
    const name = `case-${relative(casesRoot, file).replace(/\.(ya?ml|json)$/, '').replaceAll('/', '--')}`
    const dir = join(stage, 'cases', name)
    mkdirSync(dir, { recursive: true })
    try {
      scans.push({ name, argv: materialiseCase(file, dir) })
    } catch (e) {
      scans.push({ name, error: String(e) })
    }
  }
  return scans.filter((s) => !args.only || s.name.includes(args.only))
}

// ---- normalisation ----------------------------------------------------------------------------------
function normaliseJson(text) {
  if (!text) return '(no output)\n'
  const report = JSON.parse(text)
  delete report.generatedAt
  delete report.schemaVersion
  if (report.tool) delete report.tool.version
  return `${JSON.stringify(report, null, 2)}\n`
}

function normaliseSarif(text) {
  if (!text) return '(no output)\n'
  const log = JSON.parse(text)
  for (const r of log.runs ?? []) {
    delete r.tool?.driver?.version
    delete r.tool?.driver?.semanticVersion
  }
  return `${JSON.stringify(log, null, 2)}\n`
}

function produce(tree, label) {
  const out = join(work, label)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const scans = stageInputs(tree)
  const env = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' }
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TAGWARDEN_NOW', 'TAGWARDEN_DEBUG']) delete env[k]
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') && !['AWS_EC2_METADATA_DISABLED', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'].includes(k)) delete env[k]
  for (const s of scans) {
    if (s.error) {
      writeFileSync(join(out, `${s.name}.exit`), `case not readable: ${s.error}\n`)
      continue
    }
    const json = join(work, 'tmp.json')
    const sarif = join(work, 'tmp.sarif')
    rmSync(json, { force: true })
    rmSync(sarif, { force: true })
    const r = run(process.execPath, [join(tree, 'bin/run.js'), 'scan', ...s.argv, '--fail-on', 'never', '--format', 'json', '--output', json, '--sarif-output', sarif], { cwd: stage, env })
    writeFileSync(join(out, `${s.name}.exit`), `exit ${r.status}\n`)
    writeFileSync(join(out, `${s.name}.json`), normaliseJson(existsSync(json) ? readFileSync(json, 'utf8') : ''))
    writeFileSync(join(out, `${s.name}.sarif`), normaliseSarif(existsSync(sarif) ? readFileSync(sarif, 'utf8') : ''))
  }
  return scans.length
}

try {
  build(baseTree, 'base')
  build(HEAD_TREE, 'head')
  const nBase = produce(baseTree, 'base')
  const nHead = produce(HEAD_TREE, 'head')
  const names = new Set([...readdirSync(join(work, 'base')), ...readdirSync(join(work, 'head'))])
  let differing = 0
  for (const name of [...names].sort()) {
    const a = join(work, 'base', name)
    const b = join(work, 'head', name)
    if (!existsSync(a) || !existsSync(b)) {
      console.log(`only in ${existsSync(a) ? 'base' : 'head'}: ${name}`)
      differing++
      continue
    }
    if (readFileSync(a, 'utf8') === readFileSync(b, 'utf8')) continue
    differing++
    const d = run('diff', ['-u', '--label', `base/${name}`, '--label', `head/${name}`, a, b])
    process.stdout.write(d.stdout.split('\n').slice(0, 80).join('\n') + '\n')
  }
  console.log(`${nBase} scans of base ${args.base} (${baseSha.slice(0, 10)}), ${nHead} of the work tree: ${differing === 0 ? 'identical' : `${differing} output(s) differ`}${args.keep ? ` — outputs in ${work}` : ''}`)
  process.exitCode = differing === 0 ? 0 : 1
} finally {
  run('git', ['-C', HEAD_TREE, 'worktree', 'remove', '--force', baseTree])
  if (!args.keep) rmSync(work, { recursive: true, force: true })
}
