/**
 * Smoke tests: the only tests that spawn the CLI (everything else runs commands in-process through
 * test/cli/run-cli.ts). The built `bin/run.js` answers --help and exits 2 on a usage error, and the
 * published package works on its own: `npm pack`, install the tarball into an empty project (offline,
 * from the npm cache `npm ci` filled), and run the installed `tagwarden` through npx.
 *
 * This file runs in its own vitest project, one test at a time (never `describe.concurrent`), and every
 * child process gets at least 120 s: a busy machine may make it slow, never make it fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { createServer, type Socket } from 'node:net'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN, DEMO, REPO, STACK_FRAME, cleanEnv, spawnCli } from '../cli/run-cli.js'
import type { ScanReport } from '../../src/model/finding.js'
import { demoFindingKey, expectedDemoKeys } from '../report/helpers.js'

const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/i

let tmp: string
let app: string
let packed: string[] = []
let tarball = ''
/** Set when the tarball could not be installed for lack of a registry: the run tests are then skipped. */
let skipReason: string | undefined

const TIMEOUT = 180_000

/** `npm test` builds before vitest runs; a bare `vitest run` may find no dist/: then build it once here. */
function ensureBuilt(): void {
  if (existsSync(join(REPO, 'dist/cli/main.js'))) return
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, encoding: 'utf8', timeout: TIMEOUT })
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`)
}

function npm(args: string[], cwd: string, timeout = TIMEOUT): SpawnSyncReturns<string> {
  return spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  })
}

beforeAll(() => {
  ensureBuilt()
  tmp = mkdtempSync(join(tmpdir(), 'tw-pack-'))
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], REPO)
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`)
  const info = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  tarball = join(tmp, info[0]!.filename)
  packed = info[0]!.files.map((f) => f.path)

  app = join(tmp, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'tagwarden-pack-test', version: '1.0.0', private: true }))
  const install = (extra: string[]): SpawnSyncReturns<string> => npm(['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', ...extra], app)
  let r = install(['--offline'])
  if (r.status !== 0 && /ENOTCACHED|offline/i.test(r.stderr)) r = install([])
  if (r.status !== 0) {
    const why = r.error ? String(r.error) : r.stderr
    if (NETWORK_ERROR.test(why)) skipReason = `the npm registry is unreachable and the cache lacks a dependency: ${why.split('\n')[0]}`
    else throw new Error(`npm install of the tarball failed:\n${why}`)
  }
}, 3 * TIMEOUT)

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

function npx(args: string[]): SpawnSyncReturns<string> {
  // `--` keeps npx from taking `--help` for itself; `--no` forbids fetching anything.
  return spawnSync('npx', ['--no', '--', 'tagwarden', ...args], { cwd: app, encoding: 'utf8', timeout: TIMEOUT, env: { ...process.env, NO_COLOR: '1' } })
}

describe('the npm package', () => {
  it('contains the built CLI, its data, the docs and examples help points at (and the demo runs), and no sources or tests', () => {
    for (const f of ['package.json', 'bin/run.js', 'dist/cli/main.js', 'dist/commands/index.js', 'dist/pipeline/phase-one-worker.js', 'rules.yaml', 'schemas/report.schema.json', 'schemas/rules.schema.json', 'data/aws-managed-policies.json', 'docs/live-scan.md', 'docs/cur.md', 'docs/iam/audit-role-stackset.yaml', 'examples/demo-org/tagwarden.yaml', 'examples/rules-test/tagwarden.yaml']) {
      expect(packed, f).toContain(f)
    }
    expect(packed.some((f) => f.startsWith('examples/iac/'))).toBe(true)
    for (const dir of ['src/', 'test/', 'scripts/', 'node_modules/']) {
      expect(packed.filter((f) => f.startsWith(dir)), dir).toEqual([])
    }
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
  })

  it('installs and answers `npx tagwarden --help`', (ctx) => {
    if (skipReason) ctx.skip(skipReason)
    const r = npx(['--help'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\s+scan\s+Audit IAM principals/m)
  })

  it('scans the demo organization from the installed package (bundled rules, schema and managed-policy catalog)', (ctx) => {
    if (skipReason) ctx.skip(skipReason)
    const r = npx(['scan', '--input', DEMO, '--format', 'json'])
    expect(r.status, r.stderr).toBe(1)
    const report = JSON.parse(r.stdout) as ScanReport
    expect(report.errors).toEqual([])
    // Exactly what the demo must report with the bundled rules: a missing managed-policy catalog or spend reader would show here.
    expect(report.findings.map(demoFindingKey).sort()).toEqual(expectedDemoKeys({ demoRules: false, spend: true }))
    expect(report.summary.rulesFiles).toEqual(['<bundled>'])
  })

  it('reads the accounts on worker threads from the installed package (the worker module is found in dist/)', (ctx) => {
    if (skipReason) ctx.skip(skipReason)
    const one = npx(['scan', '--input', DEMO, '--format', 'json', '--jobs', '1', '--now', '2026-11-26'])
    const two = npx(['scan', '--input', DEMO, '--format', 'json', '--jobs', '2', '--now', '2026-11-26', '--debug'])
    expect(two.stderr).toContain('tagwarden: debug: phase one: 3 accounts on 2 worker threads')
    expect(two.status, two.stderr).toBe(one.status)
    expect(two.stdout).toBe(one.stdout)
  })

  it('runs `tagwarden demo` from the installed package: three labelled parts, next steps, reports in ./tagwarden-demo/', (ctx) => {
    if (skipReason) ctx.skip(skipReason)
    const r = npx(['demo'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n').filter((l) => l.startsWith('━━ Part '))).toHaveLength(3)
    expect(r.stdout).toContain('Next steps with your own AWS account')
    for (const f of ['org.json', 'spend.json', 'iac.json']) expect(existsSync(join(app, 'tagwarden-demo', f)), f).toBe(true)
  })
})

describe('bin/run.js', () => {
  it('--help describes the tool and lists the commands and topics', async () => {
    const r = await spawnCli(['--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/Bedrock cost attribution/)
    expect(r.stdout).toMatch(/^COMMANDS$/m)
    expect(r.stdout).toMatch(/^\s+scan\s+Audit IAM principals for Bedrock cost attribution\.$/m)
    expect(r.stdout).toMatch(/^\s+rules\s+/m)
    expect(r.stdout).toMatch(/^\s+init\s+Write a starter rules file/m)
    expect(r.stderr).toBe('')
  })

  it('scan --help shows the flags, the exit codes and worked examples', async () => {
    const r = await spawnCli(['scan', '--help'])
    expect(r.status).toBe(0)
    for (const flag of ['--input', '--format', '--output', '--fail-on', '--rules', '--now', '--[no-]color']) expect(r.stdout).toContain(flag)
    expect(r.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 /s)
    const examples = r.stdout.slice(r.stdout.search(/^EXAMPLES$/m))
    expect(examples).toContain('$ tagwarden scan --input examples/demo-org')
    expect(examples.match(/\$ tagwarden /g)?.length ?? 0).toBeGreaterThanOrEqual(2)
  })

  it('rules --help lists the rules subcommands', async () => {
    const r = await spawnCli(['rules', '--help'])
    expect(r.status).toBe(0)
    for (const c of ['list', 'explain', 'validate', 'test']) expect(r.stdout).toMatch(new RegExp(`rules ${c}\\s`))
  })

  it('exits 2 on an unknown command, in one line with no stack trace', async () => {
    const r = await spawnCli(['scna'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: .*scna/m)
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })
})

describe('Ctrl-C', () => {
  it('stops a scan waiting on AWS with exit 130 and one line on stderr', async () => {
    // A live scan against an endpoint on this machine that accepts connections and never answers: the scan
    // is surely still running when the interrupt comes, whatever the machine's load.
    const sockets: Socket[] = []
    let connected!: () => void
    const firstConnection = new Promise<void>((resolve) => (connected = resolve))
    const server = createServer((socket) => {
      sockets.push(socket)
      connected()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    try {
      const child = spawn(process.execPath, [BIN, 'scan', '--live'], {
        cwd: REPO,
        env: cleanEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'test-secret-not-real', AWS_REGION: 'us-east-1' }),
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: TIMEOUT,
      })
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      child.stdout.resume()
      const closed = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)))
      await firstConnection
      child.kill('SIGINT')
      expect(await closed).toBe(130)
      expect(stderr).toMatch(/^tagwarden: interrupted$/m)
      expect(stderr).not.toMatch(STACK_FRAME)
      expect(stderr).not.toContain('test-secret-not-real')
    } finally {
      for (const s of sockets) s.destroy()
      server.close()
    }
  }, TIMEOUT)
})
