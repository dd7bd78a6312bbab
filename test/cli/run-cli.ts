/**
 * Runs tagwarden as a user would, but in this test process: the argv goes through the same dispatch as
 * `bin/run.js` (help, topics, unknown commands, then the oclif command), with stdout/stderr captured, a clean environment and the given working directory, and
 * `main`'s error handling decides the exit code. No child process, so no start-up cost and no time box
 * that a busy machine can blow. Runs are serialised (they share process.env, cwd and the output
 * streams), so `describe.concurrent` callers simply queue.
 *
 * Spawning `bin/run.js` is left to the few smoke tests in test/smoke/ (`spawnCli`).
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Config, Plugin } from '@oclif/core'
import { COMMANDS } from '../../src/commands/index.js'
import { reportFatal } from '../../src/cli/main.js'
import { runTagwarden } from '../../src/cli/dispatch.js'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = `${REPO}bin/run.js`
export const DEMO = `${REPO}examples/demo-org`

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
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
  // As main() sets it: the SDK's Node-version warning is noise on stderr.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  /** Run as if stdout and stderr were a terminal this many columns wide. */
  tty?: { columns: number }
}

/** Makes process.stdout/stderr look like a terminal (isTTY, columns); returns the undo. */
function fakeTerminal(columns: number): () => void {
  const streams = [process.stdout, process.stderr]
  const saved = streams.map((s) => [Object.getOwnPropertyDescriptor(s, 'isTTY'), Object.getOwnPropertyDescriptor(s, 'columns')] as const)
  for (const s of streams) {
    Object.defineProperty(s, 'isTTY', { value: true, configurable: true, writable: true })
    Object.defineProperty(s, 'columns', { value: columns, configurable: true, writable: true })
  }
  return () =>
    streams.forEach((s, i) => {
      for (const [key, d] of [['isTTY', saved[i]![0]], ['columns', saved[i]![1]]] as const) {
        if (d) Object.defineProperty(s, key, d)
        else delete (s as unknown as Record<string, unknown>)[key]
      }
    })
}

let config: Promise<Config> | undefined
let queue: Promise<unknown> = Promise.resolve()

/**
 * The oclif configuration of this package, with the command classes taken from src/ (oclif would import
 * dist/commands/index.js): the root plugin's command table is the COMMANDS registry itself, so no dist/ is
 * needed and help, topics and unknown commands go through the same code as `bin/run.js`.
 */
async function loadConfig(): Promise<Config> {
  const pjson = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { name: string; oclif: { commands: Record<string, unknown> } }
  pjson.oclif.commands = { strategy: 'explicit', target: './src/commands/index.ts', identifier: 'COMMANDS' }
  const root = new Plugin({ root: REPO, pjson: pjson as never, isRoot: true })
  ;(root as unknown as { commandCache: unknown }).commandCache = COMMANDS
  await root.load()
  return Config.load({ root: REPO, pjson: pjson as never, plugins: new Map([[pjson.name, root]]) })
}

/** Sets `process.env` to exactly `env` in place (so TZ and the SDK see it) and returns the undo. */
function swapEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env }
  const assign = (to: NodeJS.ProcessEnv): void => {
    for (const k of Object.keys(process.env)) if (!(k in to)) delete process.env[k]
    for (const [k, v] of Object.entries(to)) if (v !== undefined) process.env[k] = v
  }
  assign(env)
  return () => assign(saved)
}

async function runInProcess(args: string[], opts: RunOptions): Promise<CliResult> {
  config ??= loadConfig()
  const loaded = await config
  let stdout = ''
  let stderr = ''
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      cb?.()
      return true
    }
  const cwd = process.cwd()
  // A faked terminal would also get the progress line after 2 s on a busy machine; test/cli/progress.test.ts
  // tests it with its own terminal and clock.
  const restoreEnv = swapEnv(cleanEnv(opts.tty ? { CI: 'true', ...opts.env } : opts.env))
  const debug = args.includes('--debug') || process.env.TAGWARDEN_DEBUG === '1'
  process.exitCode = undefined
  const restoreTerminal = opts.tty ? fakeTerminal(opts.tty.columns) : () => undefined
  process.stdout.write = capture((s) => (stdout += s)) as typeof process.stdout.write
  process.stderr.write = capture((s) => (stderr += s)) as typeof process.stderr.write
  try {
    process.chdir(opts.cwd ?? REPO)
    try {
      await runTagwarden(args, loaded)
    } catch (e) {
      process.exitCode = reportFatal(e, debug)
    }
    return { status: Number(process.exitCode ?? 0), stdout, stderr }
  } finally {
    process.stdout.write = out
    process.stderr.write = err
    restoreTerminal()
    process.chdir(cwd)
    restoreEnv()
    process.exitCode = undefined
  }
}

/** Runs `tagwarden …args` in-process (see the file comment); resolves with the exit status and output. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const run = queue.then(() => runInProcess(args, opts))
  queue = run.catch(() => undefined)
  return run
}

/** Runs `node bin/run.js …` (the built CLI) for the smoke tests; null status when killed by the time box. */
export function spawnCli(args: string[], opts: RunOptions & { timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeout ?? 120_000,
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
