/** A temporary git repository for the `--config-from-ref` tests: a base branch and a pull request's working tree. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cfnRole, git, tempTree } from '../iac/helpers.js'

export { git, hasGit } from '../iac/helpers.js'

/** An untagged Bedrock-capable role. */
export const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${cfnRole('Untagged')}`
/** A rules file that fails the gate on it. */
export const STRICT_RULES = 'version: 1\nrules:\n  principal-missing-tag:\n    severity: error\n'

/**
 * A repository whose `main` branch holds `base` (path → content), checked out on branch `pr` with `head`
 * written over it (null deletes a file) and left uncommitted, as a pull request's working tree.
 */
export function prRepo(base: Record<string, string>, head: Record<string, string | null> = {}): string {
  const dir = tempTree(base)
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '.')
  git(dir, 'commit', '-q', '-m', 'base')
  git(dir, 'checkout', '-q', '-b', 'pr')
  for (const [p, text] of Object.entries(head)) {
    if (text === null) git(dir, 'rm', '-q', p)
    else {
      mkdirSync(join(dir, p, '..'), { recursive: true })
      writeFileSync(join(dir, p), text)
    }
  }
  return dir
}
