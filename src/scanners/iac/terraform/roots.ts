/**
 * Terraform root modules among the folders of `.tf` / `.tf.json` files found by `--iac`: a root module is
 * a folder named on the command line, or found in a walk that no other scanned folder calls as a local
 * module (`source = "./…"`). A folder paired with a plan JSON (the plan sits in it, or `--tf-dir` names
 * it) is left to the plan, which knows the values; its sources still give the lines.
 */
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isLocalModuleSource, loadModule, type ModuleConfig } from './source/config.js'
import { parseTfJson } from './source/tf-json.js'

export interface TerraformRoot {
  /** Absolute folder. */
  dir: string
  /** Every file the root's evaluation reads: its `.tf` files, those of its local modules, its tfvars. */
  files: string[]
}

/**
 * `candidates`: folder → named on the command line. `paired`: folders a plan covers. `confine`: the real
 * path of the repository; `.tf` files resolving outside it are not read.
 */
export async function terraformRoots(candidates: ReadonlyMap<string, boolean>, paired: ReadonlySet<string>, confine?: string): Promise<TerraformRoot[]> {
  const configs = new Map<string, Promise<ModuleConfig>>()
  const load = (dir: string): Promise<ModuleConfig> => {
    let p = configs.get(dir)
    if (!p) configs.set(dir, (p = loadModule(dir, parseTfJson, confine)))
    return p
  }
  const called = new Set<string>()
  for (const dir of candidates.keys()) {
    const m = await load(dir)
    for (const c of m.moduleCalls.values()) if (isLocalModuleSource(c.source)) called.add(resolve(dir, c.source))
  }
  const roots: TerraformRoot[] = []
  for (const [dir, explicit] of candidates) {
    if (paired.has(dir) || (!explicit && called.has(dir))) continue
    // The files the evaluation reads, for --changed-only: local modules (transitively) and tfvars.
    const files = new Set<string>()
    const visit = async (d: string, depth: number): Promise<void> => {
      if (depth > 16) return
      const m = await load(d)
      const before = files.size
      for (const f of m.files) files.add(f)
      if (files.size === before && depth > 0) return
      for (const c of m.moduleCalls.values()) if (isLocalModuleSource(c.source)) await visit(resolve(d, c.source), depth + 1)
    }
    await visit(dir, 0)
    try {
      for (const n of await readdir(dir)) if (/^terraform\.tfvars(\.json)?$|\.auto\.tfvars(\.json)?$/.test(n)) files.add(join(dir, n))
    } catch {
      // unreadable: evaluation reports it
    }
    roots.push({ dir, files: [...files] })
  }
  return roots
}
