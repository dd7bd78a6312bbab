/**
 * Writes docs/rules/<id>.md for every registered rule. The part between the markers is generated from
 * the rule's metadata (`ruleHelpMarkdown`); text before the begin marker and after the end marker is
 * hand-written and kept as it is.
 *
 *   npx tsx scripts/gen-rule-docs.ts           # write / refresh every doc
 *   npx tsx scripts/gen-rule-docs.ts --check   # exit 1 when a doc is missing or stale (CI)
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ruleHelpMarkdown } from '../src/rules/docs.js'
import { RULE_META } from '../src/rules/index.js'
import { RETIRED_RULE_IDS } from '../src/rules/retired.js'
import type { RuleMeta } from '../src/rules/types.js'

export const BEGIN_MARKER = '<!-- begin generated -->'
export const END_MARKER = '<!-- end generated -->'
export const DOCS_DIR = fileURLToPath(new URL('../docs/rules/', import.meta.url))

const GENERATED_NOTICE = '<!-- Generated from the rule metadata by `npm run docs:update`; edit the rule, not this block. -->'
const NEW_DOC_TAIL = `
## Notes

<!-- Hand-written: edge cases, near misses, links. Kept when the block above is regenerated. -->
`

export function generatedBlock(meta: RuleMeta): string {
  return `${BEGIN_MARKER}\n${GENERATED_NOTICE}\n\n${ruleHelpMarkdown(meta).trim()}\n\n${END_MARKER}`
}

/** The hand-written parts around the generated block, or an explanation of why they cannot be found. */
export function splitDoc(text: string): { before: string; after: string } | { problem: string } {
  const begin = text.indexOf(BEGIN_MARKER)
  const end = text.indexOf(END_MARKER)
  if (begin < 0 || end < 0) return { problem: `the markers ${BEGIN_MARKER} and ${END_MARKER} are missing` }
  if (end < begin) return { problem: `${END_MARKER} comes before ${BEGIN_MARKER}` }
  if (text.indexOf(BEGIN_MARKER, begin + 1) >= 0 || text.indexOf(END_MARKER, end + 1) >= 0) return { problem: 'the markers appear more than once' }
  return { before: text.slice(0, begin), after: text.slice(end + END_MARKER.length) }
}

/** The full doc for a rule: the existing hand-written parts (or a stub for a new doc) around a fresh generated block. */
export function renderRuleDoc(meta: RuleMeta, existing?: string): string {
  if (existing === undefined) return `${generatedBlock(meta)}\n${NEW_DOC_TAIL}`
  const parts = splitDoc(existing)
  if ('problem' in parts) throw new Error(`cannot refresh the doc of ${meta.id}: ${parts.problem}; restore them around the generated part`)
  return `${parts.before}${generatedBlock(meta)}${parts.after}`
}

export interface DocStatus {
  id: string
  path: string
  state: 'current' | 'stale' | 'missing' | 'malformed' | 'orphan'
  detail?: string
}

export function docPath(id: string, dir = DOCS_DIR): string {
  return join(dir, `${id}.md`)
}

/** What `--check` reports: one status per rule, plus docs of IDs that are neither registered nor retired. */
export function checkRuleDocs(metas: ReadonlyMap<string, RuleMeta> = RULE_META, dir = DOCS_DIR): DocStatus[] {
  const out: DocStatus[] = []
  for (const [id, meta] of metas) {
    const path = docPath(id, dir)
    if (!existsSync(path)) {
      out.push({ id, path, state: 'missing' })
      continue
    }
    const text = readFileSync(path, 'utf8')
    const parts = splitDoc(text)
    if ('problem' in parts) out.push({ id, path, state: 'malformed', detail: parts.problem })
    else out.push({ id, path, state: renderRuleDoc(meta, text) === text ? 'current' : 'stale' })
  }
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const id = name.replace(/\.md$/, '')
      if (name.endsWith('.md') && !metas.has(id) && !RETIRED_RULE_IDS.includes(id)) {
        out.push({ id, path: join(dir, name), state: 'orphan', detail: 'no registered or retired rule has this ID' })
      }
    }
  }
  return out
}

/** Writes every missing or stale doc; returns what was written. Malformed docs are left alone and reported. */
export function updateRuleDocs(metas: ReadonlyMap<string, RuleMeta> = RULE_META, dir = DOCS_DIR): DocStatus[] {
  mkdirSync(dir, { recursive: true })
  const statuses = checkRuleDocs(metas, dir)
  for (const s of statuses) {
    const meta = metas.get(s.id)
    if (!meta || (s.state !== 'missing' && s.state !== 'stale')) continue
    const existing = s.state === 'stale' ? readFileSync(s.path, 'utf8') : undefined
    writeFileSync(s.path, renderRuleDoc(meta, existing))
  }
  return statuses
}

function main(argv: string[]): number {
  const check = argv.includes('--check')
  const statuses = check ? checkRuleDocs() : updateRuleDocs()
  const shown = (p: string): string => relative(process.cwd(), p) || p
  let failed = false
  for (const s of statuses) {
    if (s.state === 'current') continue
    const bad = check || s.state === 'malformed' || s.state === 'orphan'
    failed ||= bad
    const verb = check ? s.state : s.state === 'missing' ? 'created' : s.state === 'stale' ? 'updated' : s.state
    process.stderr.write(`${shown(s.path)}: ${verb}${s.detail ? ` (${s.detail})` : ''}\n`)
  }
  if (check && failed) process.stderr.write('rule docs are out of date: run `npm run docs:update`\n')
  return failed ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2))
}
