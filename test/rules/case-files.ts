/** Discovery of the rule case files, shared by the cases and registry tests. */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CASES_DIR = fileURLToPath(new URL('./cases', import.meta.url))

/** Every `*.yaml` / `*.yml` / `*.json` under `test/rules/cases/<rule-id>/`, sorted. */
export function caseFiles(dir = CASES_DIR): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...caseFiles(p))
    else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(p)
  }
  return out.sort()
}

/** Rule IDs that have a folder under `test/rules/cases/`. */
export function caseFolders(dir = CASES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}
