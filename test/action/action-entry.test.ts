import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
// @ts-expect-error -- plain ESM script without type declarations
import { buildScanArgs, run, splitArgs } from '../../scripts/action-entry.mjs'
import type { ScanReport, Severity } from '../../src/model/finding.js'
import { DEMO_INPUTS, REPO_ROOT } from '../report/helpers.js'
import { runCli } from '../cli/run-cli.js'
import { STRICT_RULES, TEMPLATE, git, hasGit, prRepo } from '../cli/pr-repo.js'

interface Built {
  args: string[]
  sarif: string
  json: string
  base?: string
}
const build = buildScanArgs as (env: Record<string, string>) => Built
const split = splitArgs as (s: string) => string[]
type Spawn = (cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }) => { status: number | null; error?: Error; stdout?: string }
const runEntry = run as (o: { env: Record<string, string>; spawn?: Spawn; log?: (s: string) => void }) => number

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tagwarden-action-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  )
}

describe('splitArgs', () => {
  it.each<[string, string[]]>([
    ['--input snap --rules r.yaml', ['--input', 'snap', '--rules', 'r.yaml']],
    ["  --input 'my snap'  ", ['--input', 'my snap']],
    ['--input "a \\"b\\" c"', ['--input', 'a "b" c']],
    ['--input a\\ b', ['--input', 'a b']],
    ["--now ''", ['--now', '']],
    ['--input $HOME/x `id` $(id)', ['--input', '$HOME/x', '`id`', '$(id)']],
    ['', []],
  ])('%s', (input, expected) => {
    expect(split(input)).toEqual(expected)
  })

  it('rejects unbalanced quotes', () => {
    expect(() => split("--input 'x")).toThrow(/unbalanced/)
  })
})

describe('buildScanArgs', () => {
  it('turns the inputs into one scan with annotations, SARIF and the step summary', () => {
    const b = build({ INPUT_ARGS: '--input snap', INPUT_FAIL_ON: 'warning', INPUT_SARIF_FILE: 'out/t.sarif', INPUT_CATEGORY: 'tagwarden/prod', INPUT_JSON_FILE: 't.json', INPUT_BASELINE: '.tagwarden-baseline.json', GITHUB_STEP_SUMMARY: '/tmp/summary' })
    expect(b.args).toEqual([
      'scan', '--input', 'snap', '--format', 'github', '--fail-on', 'warning',
      '--sarif-output', 'out/t.sarif', '--sarif-category', 'tagwarden/prod', '--json-output', 't.json',
      '--baseline', '.tagwarden-baseline.json', '--markdown-output', '/tmp/summary',
    ])
  })

  it('has sensible defaults and can turn the summary and SARIF off', () => {
    expect(build({ INPUT_ARGS: 'scan --input s', INPUT_SUMMARY: 'false', GITHUB_STEP_SUMMARY: '/tmp/s' }).args).toEqual(['scan', '--input', 's', '--format', 'github', '--fail-on', 'error'])
  })

  it('rejects flags the action manages, and a category without SARIF', () => {
    expect(() => build({ INPUT_ARGS: '--input s --format json' })).toThrow(/`--format` is set by the action/)
    expect(() => build({ INPUT_ARGS: '--sarif-output=x.sarif' })).toThrow(/`--sarif-output`/)
    expect(() => build({ INPUT_ARGS: '--input s', INPUT_CATEGORY: 'c' })).toThrow(/category input needs sarif-file/)
  })
})

describe('buildScanArgs on pull requests (trusted configuration)', () => {
  const PR = { INPUT_ARGS: '--iac infra/', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' }

  it('reads the rules file and baseline from the base branch and ignores inline suppressions by default', () => {
    const b = build({ ...PR, INPUT_BASELINE: '.tagwarden-baseline.json' })
    expect(b.base).toBe('main')
    expect(b.args.slice(0, 6)).toEqual(['scan', '--iac', 'infra/', '--config-from-ref', 'origin/main', '--no-inline-suppressions'])
    expect(b.args).toContain('.tagwarden-baseline.json')
    expect(build({ ...PR, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_BASE_REF: 'release/1.2' }).args).toContain('origin/release/1.2')
  })

  it('adds nothing on other events', () => {
    for (const event of ['push', 'schedule', 'workflow_dispatch', '']) {
      const b = build({ ...PR, GITHUB_EVENT_NAME: event })
      expect(b.base).toBeUndefined()
      expect(b.args.join(' ')).not.toMatch(/config-from-ref|inline-suppressions/)
    }
  })

  it('has inputs to opt out, and leaves the flags to args when they are given there', () => {
    const off = build({ ...PR, INPUT_CONFIG_FROM_BASE: 'false', INPUT_IGNORE_INLINE_SUPPRESSIONS: 'false' })
    expect(off.base).toBeUndefined()
    expect(off.args.join(' ')).not.toMatch(/config-from-ref|inline-suppressions/)
    const own = build({ ...PR, INPUT_ARGS: '--iac infra/ --config-from-ref=v1.0 --inline-suppressions' })
    expect(own.base).toBeUndefined()
    expect(own.args.filter((a) => /config-from-ref|inline-suppressions/.test(a))).toEqual(['--config-from-ref=v1.0', '--inline-suppressions'])
  })

  it('refuses a base branch it would not pass to git, and a pull request event without one', () => {
    for (const base of ['-x', '--upload-pack=id', 'a..b', 'a b', 'x:y', 'x$(id)', 'feature/']) {
      expect(() => build({ ...PR, GITHUB_BASE_REF: base }), base).toThrow(/is not one the action passes to git/)
    }
    expect(() => build({ ...PR, GITHUB_BASE_REF: '' })).toThrow(/without GITHUB_BASE_REF/)
  })
})

describe('run (with a stand-in spawner)', () => {
  it('records exit code and existing output files, and lets the upload step run on findings', () => {
    const ghOut = join(dir, 'github_output')
    writeFileSync(join(dir, 't.sarif'), '{}')
    let seen: string[] = []
    const spawn: Spawn = (_cmd, args, opts) => {
      seen = args
      expect(opts.cwd).toBe(dir)
      return { status: 1 }
    }
    const code = runEntry({ env: { INPUT_ARGS: '--input snap', INPUT_SARIF_FILE: 't.sarif', INPUT_JSON_FILE: 'absent.json', GITHUB_OUTPUT: ghOut, GITHUB_WORKSPACE: dir, TAGWARDEN_BIN: '/x/run.js' }, spawn })
    expect(code).toBe(0)
    expect(seen.slice(0, 2)).toEqual(['/x/run.js', 'scan'])
    expect(outputs(ghOut)).toEqual({ 'exit-code': '1', 'sarif-file': 't.sarif', 'json-file': '' })
  })

  it('fails the step when tagwarden could not produce a result, and on bad inputs', () => {
    const ghOut = join(dir, 'github_output')
    expect(runEntry({ env: { INPUT_ARGS: '--input s', GITHUB_OUTPUT: ghOut, GITHUB_WORKSPACE: dir }, spawn: () => ({ status: 2 }) })).toBe(2)
    expect(outputs(ghOut)['exit-code']).toBe('2')
    let log = ''
    expect(runEntry({ env: { INPUT_ARGS: "--input 'x", GITHUB_WORKSPACE: dir }, spawn: () => ({ status: 0 }), log: (s) => (log += s) })).toBe(2)
    expect(log).toMatch(/^::error title=tagwarden action::unbalanced/)
  })
})

describe('run on a pull request (with a stand-in spawner)', () => {
  const env = { INPUT_ARGS: '--iac infra', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_WORKSPACE: '/w', TAGWARDEN_BIN: '/x/run.js' }

  it('fetches the base branch (shallow only in a shallow checkout) before running tagwarden', () => {
    for (const [shallow, depth] of [['true', ['--depth=1']], ['false', []]] as const) {
      const calls: string[][] = []
      const spawn: Spawn = (cmd, args) => {
        calls.push([cmd, ...args])
        return { status: 0, stdout: `${shallow}\n` }
      }
      expect(runEntry({ env, spawn })).toBe(0)
      expect(calls.map((c) => c.slice(0, 3))).toEqual([
        ['git', 'rev-parse', '--is-shallow-repository'],
        ['git', 'fetch', '--no-tags'],
        [process.execPath, '/x/run.js', 'scan'],
      ])
      expect(calls[1]).toEqual(['git', 'fetch', '--no-tags', ...depth, 'origin', '+refs/heads/main:refs/remotes/origin/main'])
      expect(calls[2]).toContain('--config-from-ref')
    }
  })

  it('warns when the fetch fails and leaves the verdict to tagwarden (which refuses a missing ref)', () => {
    let log = ''
    const spawn: Spawn = (cmd, args) => (cmd === 'git' && args[0] === 'fetch' ? { status: 128 } : { status: cmd === 'git' ? 0 : 2, stdout: 'true' })
    expect(runEntry({ env, spawn, log: (s) => (log += s) })).toBe(2)
    expect(log).toBe('::warning title=tagwarden action::could not fetch the base branch main (git exit code 128); tagwarden needs origin/main for --config-from-ref\n')
  })
})

describe.runIf(hasGit())('run on a pull request (real git, shallow checkout)', () => {
  it('makes origin/<base> available, so the rules file on the base branch decides', async () => {
    // origin: main holds a strict rules file; the pull request relaxes it.
    const origin = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 'tagwarden.yaml': 'version: 1\nextends: none\n' })
    git(origin, 'commit', '-q', '-am', 'relax the gate')
    const work = join(dir, 'work')
    // As actions/checkout does: one commit, the pull request's.
    git(dir, 'clone', '-q', '--depth=1', '--branch', 'pr', `file://${origin}`, work)
    expect(git(work, 'rev-parse', '--is-shallow-repository').trim()).toBe('true')
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, INPUT_ARGS: '--iac t.yaml', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_WORKSPACE: work, TAGWARDEN_BIN: '/x/run.js' }
    let args: string[] = []
    const spawn: Spawn = (cmd, a, opts) => {
      if (cmd === 'git') return spawnSync(cmd, a, { ...opts, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      args = a.slice(1)
      return { status: 0 }
    }
    expect(runEntry({ env, spawn })).toBe(0)
    expect(git(work, 'rev-parse', '--verify', 'origin/main').trim()).toBe(git(origin, 'rev-parse', 'main').trim())
    const cli = await runCli(args, { cwd: work })
    expect(cli.status).toBe(1)
    expect(cli.stderr).toContain('--config-from-ref origin/main: tagwarden.yaml differs in the working tree (added: extends; removed: rules); that version is ignored')
  })
})

describe('run (the real CLI on the demo snapshot)', () => {
  it('writes annotations, SARIF, JSON and appends the step summary', async () => {
    const ghOut = join(dir, 'github_output')
    const summary = join(dir, 'step_summary')
    writeFileSync(summary, '# earlier step\n')
    const env = {
      PATH: process.env.PATH ?? '',
      TAGWARDEN_BIN: join(REPO_ROOT, 'bin/run.js'),
      TAGWARDEN_NOW: '2026-01-01',
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: ghOut,
      GITHUB_STEP_SUMMARY: summary,
      INPUT_ARGS: DEMO_INPUTS.map((d) => `--input '${d}'`).join(' '),
      INPUT_SARIF_FILE: 'results/tagwarden.sarif',
      INPUT_JSON_FILE: 'tagwarden.json',
    }
    // The CLI runs in-process (spawning it is for test/smoke/) with the arguments, environment and
    // working directory the entry script hands its spawner; the spawner then reports that run's status.
    const cli = await runCli(build(env).args, { cwd: dir, env })
    const stdout = cli.stdout
    const spawn: Spawn = (cmd, args, opts) => {
      expect([cmd, ...args]).toEqual([process.execPath, env.TAGWARDEN_BIN, ...build(env).args])
      expect(opts).toMatchObject({ cwd: dir, env })
      return { status: cli.status }
    }
    expect(runEntry({ env, spawn })).toBe(0)
    expect(outputs(ghOut)).toEqual({ 'exit-code': '1', 'sarif-file': 'results/tagwarden.sarif', 'json-file': 'tagwarden.json' })
    // The annotations, the SARIF and the step summary all carry what the JSON result lists.
    const report = JSON.parse(readFileSync(join(dir, 'tagwarden.json'), 'utf8')) as ScanReport
    expect(report.errors).toEqual([])
    const count = (sev: Severity): number => report.findings.filter((f) => f.severity === sev).length
    expect(count('error')).toBeGreaterThan(0)
    expect(stdout.split('\n').filter((l) => l.startsWith('::error '))).toHaveLength(Math.min(count('error'), 10))
    const sarif = JSON.parse(readFileSync(join(dir, 'results/tagwarden.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> }
    expect(sarif.runs[0]!.results.map((r) => r.partialFingerprints['tagwarden/v1']).sort()).toEqual(report.findings.map((f) => f.fingerprint).sort())
    const md = readFileSync(summary, 'utf8')
    expect(md.startsWith(`# earlier step\n## tagwarden: ${count('error')} errors, ${count('warning')} warnings, ${count('note')} notes\n`)).toBe(true)
  })
})

describe('action.yml', () => {
  const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
    outputs: Record<string, { value: string }>
    runs: { using: string; steps: Array<{ id?: string; uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string>; if?: string; 'working-directory'?: string }> }
  }
  const steps = action.runs.steps
  const text = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')

  it('is a composite action that builds tagwarden from its own checkout and runs the entry script', () => {
    expect(action.runs.using).toBe('composite')
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@/)
    const buildStep = steps.find((s) => s.run?.includes('npm run build'))!
    expect(buildStep['working-directory']).toBe('${{ github.action_path }}')
    const scan = steps.find((s) => s.id === 'scan')!
    expect(scan.run).toContain('$GITHUB_ACTION_PATH/scripts/action-entry.mjs')
    expect(existsSync(join(REPO_ROOT, 'scripts/action-entry.mjs'))).toBe(true)
  })

  it('declares every input it uses and never splices an input into a shell script', () => {
    const used = new Set([...text.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)].map((m) => m[1]!))
    for (const name of used) expect(Object.keys(action.inputs)).toContain(name)
    for (const s of steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/)
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['args', 'fail-on', 'sarif-file']))
  })

  it('passes the inputs under the names the entry script reads', () => {
    const scan = steps.find((s) => s.id === 'scan')!
    const env = Object.fromEntries(Object.keys(scan.env!).map((k) => [k, `<${k}>`]))
    const b = build({ ...env, INPUT_ARGS: '--input x', INPUT_SUMMARY: 'true', GITHUB_STEP_SUMMARY: 's' })
    for (const k of ['INPUT_FAIL_ON', 'INPUT_SARIF_FILE', 'INPUT_CATEGORY', 'INPUT_JSON_FILE', 'INPUT_BASELINE']) expect(b.args).toContain(`<${k}>`)
    // The trusted-configuration switches: on by default, and 'false' (as the step passes it) turns them off.
    expect(action.inputs['config-from-base']!.default).toBe('true')
    expect(action.inputs['ignore-inline-suppressions']!.default).toBe('true')
    expect(scan.env).toMatchObject({ INPUT_CONFIG_FROM_BASE: '${{ inputs.config-from-base }}', INPUT_IGNORE_INLINE_SUPPRESSIONS: '${{ inputs.ignore-inline-suppressions }}' })
    const pr = { INPUT_ARGS: '--iac x', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' }
    expect(build({ ...pr, INPUT_CONFIG_FROM_BASE: 'false', INPUT_IGNORE_INLINE_SUPPRESSIONS: 'false' }).args.join(' ')).not.toMatch(/config-from-ref|inline-suppressions/)
  })

  it('uploads SARIF with upload-sarif only when a file was written, and applies the gate last', () => {
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!
    expect(upload.with!.sarif_file).toBe('${{ steps.scan.outputs.sarif-file }}')
    expect(upload.if).toContain("steps.scan.outputs.sarif-file != ''")
    expect(steps.at(-1)!.run).toContain('exit "$EXIT_CODE"')
    expect(action.outputs['exit-code']!.value).toBe('${{ steps.scan.outputs.exit-code }}')
  })
})

describe('example workflows', () => {
  const dirPath = join(REPO_ROOT, 'docs/workflows')
  const files = existsSync(dirPath) ? readdirSync(dirPath).filter((f) => f.endsWith('.yml')) : []

  it('exist for the pull-request gate and the scheduled audit', () => {
    expect(files.sort()).toEqual(['org-audit.yml', 'pr-gate.yml'])
  })

  it.each(files)('%s can upload SARIF and uses the action', (f) => {
    const text = readFileSync(join(dirPath, f), 'utf8')
    const wf = parse(text) as { permissions?: Record<string, string>; jobs: Record<string, { permissions?: Record<string, string>; steps: Array<{ uses?: string }> }> }
    const job = Object.values(wf.jobs)[0]!
    const perms = { ...wf.permissions, ...job.permissions }
    expect(perms['security-events']).toBe('write')
    expect(job.steps.some((s) => s.uses?.startsWith('tagwarden/tagwarden@'))).toBe(true)
    if (f === 'pr-gate.yml') {
      // Runs on the pull request's own content, without secrets, and reads its configuration from the base branch.
      expect(text).not.toMatch(/pull_request_target/)
      const w = job.steps.find((s) => s.uses?.startsWith('tagwarden/tagwarden@')) as { with?: Record<string, unknown> }
      expect(String(w.with?.['config-from-base'] ?? true)).toBe('true')
      expect(String(w.with?.['ignore-inline-suppressions'] ?? true)).toBe('true')
    }
    if (f === 'org-audit.yml') {
      expect(perms['id-token']).toBe('write')
      expect(text).toMatch(/aws-actions\/configure-aws-credentials@/)
      expect(text).toMatch(/schedule:/)
    }
  })
})
