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

interface Built {
  args: string[]
  sarif: string
  json: string
}
const build = buildScanArgs as (env: Record<string, string>) => Built
const split = splitArgs as (s: string) => string[]
type Spawn = (cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }) => { status: number | null; error?: Error }
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
    if (f === 'org-audit.yml') {
      expect(perms['id-token']).toBe('write')
      expect(text).toMatch(/aws-actions\/configure-aws-credentials@/)
      expect(text).toMatch(/schedule:/)
    }
  })
})
