/**
 * `--changed-only BASE_REF`: which files changed since the merge base of BASE_REF and HEAD, counting
 * uncommitted and untracked changes too. A file git does not track at all (a generated `cdk.out` or
 * `plan.json`, usually git-ignored) always counts as changed: it cannot be compared.
 */
import { resolve } from 'node:path'
import { git, gitError, repositoryRoot, resolveCommit } from '../../util/git.js'

export interface ChangeSet {
  /** Is the absolute path unchanged since the base? */
  unchanged(absPath: string): boolean
}

export type ChangeSetResult = { ok: true; changes: ChangeSet } | { ok: false; message: string }

/** Files changed since `baseRef`, for files under `cwd`'s repository. Never throws. */
export function changedSince(baseRef: string, cwd: string, candidates: readonly string[]): ChangeSetResult {
  let top: string
  let base: string
  try {
    top = repositoryRoot(cwd)
  } catch (e) {
    return { ok: false, message: `--changed-only needs a git checkout: ${gitError(e)}` }
  }
  const baseCommit = resolveCommit(top, baseRef)
  if (baseCommit === undefined) return { ok: false, message: `--changed-only ${baseRef}: no such branch, tag or commit in ${top}` }
  try {
    // The verified hash, not the ref as given: nothing from the command line reaches git's option parser.
    base = git(top, ['merge-base', baseCommit, 'HEAD']).trim()
  } catch (e) {
    return { ok: false, message: `--changed-only ${baseRef}: cannot find a merge base with HEAD (${gitError(e)}); fetch the base branch first, e.g. \`git fetch origin main\`` }
  }
  const changed = new Set<string>()
  const tracked = new Set<string>()
  try {
    for (const f of git(top, ['diff', '--name-only', '-z', base, '--']).split('\0')) if (f) changed.add(resolve(top, f))
    for (const f of git(top, ['ls-files', '-z', '--others', '--exclude-standard']).split('\0')) if (f) changed.add(resolve(top, f))
    for (let i = 0; i < candidates.length; i += 200) {
      const chunk = candidates.slice(i, i + 200)
      for (const f of git(top, ['ls-files', '-z', '--full-name', '--', ...chunk]).split('\0')) if (f) tracked.add(resolve(top, f))
    }
  } catch (e) {
    return { ok: false, message: `--changed-only ${baseRef}: ${gitError(e)}` }
  }
  return { ok: true, changes: { unchanged: (p) => tracked.has(p) && !changed.has(p) } }
}

/**
 * Why `baseRef` cannot serve as the base of `--changed-only` in `cwd`'s repository (not a git checkout,
 * no such commit), or undefined when it can. Checked before anything is read: a typo in the ref must not
 * cost a scan of everything.
 */
export function baseRefProblem(baseRef: string, cwd: string): string | undefined {
  if (baseRef === '' || baseRef.startsWith('-')) return `--changed-only ${baseRef}: not a git ref`
  let top: string
  try {
    top = repositoryRoot(cwd)
  } catch (e) {
    return `--changed-only needs a git checkout: ${gitError(e)}`
  }
  return resolveCommit(top, baseRef) === undefined ? `--changed-only ${baseRef}: no such branch, tag or commit in ${top}` : undefined
}
