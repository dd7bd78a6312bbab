/**
 * Run a measured step in its own process, so its peak RSS is its own and not the benchmark runner's:
 * the child prints one JSON line (its last line on stdout) with what it measured about itself.
 */
import { spawn } from 'node:child_process'

export interface ChildResult<T> {
  /** The child's JSON report. */
  report: T
  /** Wall time seen from the parent: process start-up and module loading included. */
  wallSeconds: number
}

/**
 * `node [nodeArgs] script args` with stdout captured and stderr passed through (progress, errors).
 * Rejects when the child fails or prints no JSON.
 */
export function runChild<T>(script: string, args: readonly string[], opts: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...opts.env },
    })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (c: string) => {
      out += c
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const wallSeconds = (performance.now() - started) / 1000
      const last = out.trim().split('\n').pop() ?? ''
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${signal ?? code}${last ? `: ${last}` : ''}`))
        return
      }
      try {
        resolve({ report: JSON.parse(last) as T, wallSeconds })
      } catch {
        reject(new Error(`${script} printed no JSON report (last line: ${last.slice(0, 200)})`))
      }
    })
  })
}

/** Children written in TypeScript run through tsx (the runner's own loader). */
export const TSX = ['--import', 'tsx'] as const
