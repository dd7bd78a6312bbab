/** Runs the built CLI (`bin/run.js`) as a user would, time-boxed, with a clean environment. */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = `${REPO}bin/run.js`
export const DEMO = `${REPO}examples/demo-org`
const BUILT = `${REPO}dist/cli/main.js`
const LOCK = `${REPO}dist/.test-build-lock`

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * `npm test` builds before vitest runs; a bare `vitest run` may find no dist/. Then build once, with a
 * directory lock so that two test files starting together do not run tsc over each other.
 */
export function ensureBuilt(): void {
  if (existsSync(BUILT)) return
  mkdirSync(`${REPO}dist`, { recursive: true })
  let owner = false
  try {
    mkdirSync(LOCK)
    owner = true
  } catch {
    // Another test file is building: wait for it.
  }
  if (owner) {
    try {
      const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 })
      if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`)
    } finally {
      rmSync(LOCK, { recursive: true, force: true })
    }
    return
  }
  const deadline = Date.now() + 120_000
  while (existsSync(LOCK) && Date.now() < deadline) spawnSync('sleep', ['0.2'])
  if (!existsSync(BUILT)) throw new Error('dist/ was not built')
}

/**
 * Environment without the user's colour, clock, debug and AWS settings, so results do not depend on the
 * shell — and a scan that falls back to live AWS finds no credentials instead of probing the network
 * (instance metadata is switched off; no test may reach an address off this machine).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TAGWARDEN_NOW', 'TAGWARDEN_DEBUG']) delete env[k]
  for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k]
  env.AWS_EC2_METADATA_DISABLED = 'true'
  env.AWS_CONFIG_FILE = '/nonexistent/tagwarden-test/config'
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/tagwarden-test/credentials'
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string | undefined>
}

/** Runs `node bin/run.js …`; resolves with the exit status (null when killed by the 20 s time box). */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** A Node/V8 stack frame, as printed by an uncaught error. */
export const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/
