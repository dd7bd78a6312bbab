/**
 * `scan --config-from-ref REF`: files read from a git ref (the base branch of a pull request) instead of
 * the working tree, which the pull request controls (docs/security.md). git runs without a shell
 * (src/util/git.ts); the ref is checked to name a commit (`rev-parse --verify --end-of-options
 * REF^{commit}`) and only the commit's hash is passed on; paths are made relative to the repository root,
 * refused outside it, and looked up as literal pathspecs; a symlink or a folder at REF is refused, not
 * followed; blobs are size-checked before they are read.
 */
import { posix, relative, resolve, sep } from 'node:path'
import { UsageError } from '../errors.js'
import { shellQuote } from '../util/escape.js'
import { git, gitError, repositoryRoot, resolveCommit } from '../util/git.js'

/** A file read from the ref. */
export interface RefBlob {
  text: string
  /** `REF:repo/relative/path`, naming the file in messages (`origin/main:tagwarden.yaml:3:5`). */
  shown: string
}

export interface GitRef {
  /** The ref as given (`origin/main`). */
  ref: string
  /** The full hash of the commit it names. */
  commit: string
  /** The repository path of `path` (relative to the working directory, or absolute); refused outside the repository. */
  repoPath(path: string, what: string): string
  /** The file at `path` in the ref's commit; undefined when the commit has no such file. */
  read(path: string, what: string, maxBytes: number): RefBlob | undefined
}

const FLAG = '--config-from-ref'

/** How to make the ref available in a shallow CI checkout: `origin/main` → `git fetch --depth=1 origin main`. */
export function fetchHint(ref: string): string {
  const m = /^(?:refs\/remotes\/)?origin\/(.+)$/.exec(ref)
  return `fetch it first, e.g. \`git fetch --depth=1 origin ${shellQuote(m ? m[1]! : ref)}\` (a shallow checkout holds only the commit being tested); the tagwarden action does this itself`
}

/**
 * Opens `ref` in the repository holding `cwd`: throws a usage error (exit 2) when `cwd` is not in a git
 * checkout or the ref names no commit available here, before anything is scanned.
 */
export function openGitRef(ref: string, cwd: string): GitRef {
  // Refs never start with `-`; one that does is an option in disguise (`--output=/tmp/x`).
  if (ref.trim() === '' || ref.startsWith('-')) {
    throw new UsageError('config-ref-invalid', `${FLAG} ${ref}: not a git ref`, 'pass a branch, tag or commit, e.g. `--config-from-ref origin/main`')
  }
  let top: string
  let prefix: string
  try {
    top = repositoryRoot(cwd)
    prefix = git(cwd, ['rev-parse', '--show-prefix']).trim()
  } catch (e) {
    throw new UsageError('config-ref-no-git', `${FLAG} needs a git checkout: ${gitError(e)}`, 'run tagwarden in the repository whose base branch holds the rules file')
  }
  const commit = resolveCommit(top, ref)
  if (commit === undefined) {
    throw new UsageError('config-ref-unavailable', `${FLAG} ${ref}: no such branch, tag or commit in ${top}`, fetchHint(ref))
  }

  const repoPath = (path: string, what: string): string => {
    const fromCwd = relative(cwd, resolve(cwd, path)).split(sep).join('/')
    const p = posix.normalize(posix.join(prefix, fromCwd))
    if (p === '.' || p === '..' || p.startsWith('../') || posix.isAbsolute(p)) {
      throw new UsageError(
        'config-ref-path-outside',
        `${FLAG} ${ref}: the ${what} ${path} is outside the repository ${top}`,
        `with ${FLAG} the ${what} is read from the ref, so it must be a file in the repository`,
      )
    }
    return p
  }

  return {
    ref,
    commit,
    repoPath,
    read(path, what, maxBytes) {
      const p = repoPath(path, what)
      const shown = `${ref}:${p}`
      let listing: string
      try {
        // Literal pathspecs: a path such as `:(glob)*` or `*.yaml` names exactly that file.
        listing = git(top, ['--literal-pathspecs', 'ls-tree', '-l', '-z', '--full-tree', commit, '--', p])
      } catch (e) {
        throw new UsageError('config-ref-unreadable', `${FLAG}: cannot list ${shown}: ${gitError(e)}`, fetchHint(ref))
      }
      const entry = listing
        .split('\0')
        .map((l) => /^(\d+) (\w+) ([0-9a-f]+) +(-|\d+)\t([\s\S]*)$/.exec(l))
        .find((m) => m?.[5] === p)
      if (!entry) return undefined
      const [, mode, type, oid, size] = entry
      if (type !== 'blob' || mode === '120000') {
        throw new UsageError('config-ref-not-a-file', `${FLAG}: ${shown} is ${type === 'tree' ? 'a folder' : mode === '120000' ? 'a symbolic link' : `a ${type}`}, not a file`, `give the ${what} as the path of a regular file in the repository`)
      }
      if (Number(size) > maxBytes) {
        throw new UsageError('config-ref-too-large', `${FLAG}: ${shown} is ${size} bytes; the ${what} is limited to ${maxBytes} bytes`, `check the ${what} at ${ref}`)
      }
      try {
        return { text: git(top, ['cat-file', 'blob', oid!], { maxBuffer: maxBytes + 1 }), shown }
      } catch (e) {
        throw new UsageError('config-ref-unreadable', `${FLAG}: cannot read ${shown}: ${gitError(e)}`, fetchHint(ref))
      }
    },
  }
}
