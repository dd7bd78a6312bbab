/**
 * Running git without a shell: `execFile` with an argument array, so no ref or path given on the command
 * line (or taken from a pull request) is ever parsed by a shell. Callers guard refs that start with `-`
 * and pass `--end-of-options` / `--` where git accepts them.
 */
import { execFileSync } from 'node:child_process'

/** git's stdout for `args` run in `cwd`; throws on a non-zero exit (see `gitError`). */
export function git(cwd: string, args: string[], opts: { maxBuffer?: number } = {}): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: opts.maxBuffer ?? 256 * 1024 * 1024 })
}

/** The first line of what git said on failure, without `fatal: `; `git is not installed` when it is missing. */
export function gitError(e: unknown): string {
  const err = e as { stderr?: string; message?: string; code?: string }
  if (err.code === 'ENOENT') return 'git is not installed'
  const text = (err.stderr || err.message || String(e)).trim().split('\n')[0] ?? ''
  return text.replace(/^fatal: /, '')
}

/** The top folder of the git checkout holding `cwd`; throws (see `gitError`) outside one. */
export function repositoryRoot(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']).trim()
}

/**
 * The full hash of the commit `ref` names in the repository at `top`, or undefined when it names none here.
 * A ref starting with `-` is refused (an option in disguise), and `--end-of-options` keeps git from reading
 * it as one anyway.
 */
export function resolveCommit(top: string, ref: string): string | undefined {
  if (ref.trim() === '' || ref.startsWith('-')) return undefined
  let commit: string
  try {
    commit = git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim()
  } catch {
    return undefined
  }
  return /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined
}
