/** docs/rules/<id>.md exists for every rule and its generated part matches the rule metadata. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BEGIN_MARKER,
  END_MARKER,
  checkRuleDocs,
  docPath,
  generatedBlock,
  renderRuleDoc,
  splitDoc,
  updateRuleDocs,
} from '../scripts/gen-rule-docs.js'
import { RULE_META } from '../src/rules/index.js'
import { ruleDocUrl } from '../src/rules/docs.js'
import type { RuleMeta } from '../src/rules/types.js'

const meta = RULE_META.get('principal-missing-tag')!

describe('docs/rules', () => {
  it('has a current doc for every rule and nothing else', () => {
    const problems = checkRuleDocs().filter((s) => s.state !== 'current')
    expect(problems, 'run `npm run docs:update`').toEqual([])
    expect(checkRuleDocs().map((s) => s.id).sort()).toEqual([...RULE_META.keys()].sort())
  })

  for (const [id, m] of RULE_META) {
    it(`${id}.md shows the summary and every option, and the doc URL points at it`, () => {
      const text = readFileSync(docPath(id), 'utf8')
      expect(text).toContain(`# ${id}\n\n${m.summary}`)
      for (const opt of Object.keys(m.options ?? {})) expect(text).toContain(`| \`${opt}\` |`)
      expect(ruleDocUrl(id).endsWith(`/docs/rules/${id}.md`)).toBe(true)
      // Hand-written notes follow the generated block.
      const parts = splitDoc(text)
      expect('after' in parts && parts.after.trim().length > 0).toBe(true)
    })
  }
})

describe('the doc generator', () => {
  it('keeps hand-written text around the generated block and refreshes the block', () => {
    const old = `---\ntitle: x\n---\n${BEGIN_MARKER}\nold generated text\n${END_MARKER}\n\n## Notes\n\nkept by hand\n`
    const out = renderRuleDoc(meta, old)
    expect(out).toBe(`---\ntitle: x\n---\n${generatedBlock(meta)}\n\n## Notes\n\nkept by hand\n`)
    expect(out).not.toContain('old generated text')
    expect(renderRuleDoc(meta, out)).toBe(out)
  })

  it('refuses to overwrite a doc whose markers are missing or broken', () => {
    expect(() => renderRuleDoc(meta, '# hand-written only\n')).toThrow(/markers .* are missing/)
    expect(() => renderRuleDoc(meta, `${END_MARKER}\n${BEGIN_MARKER}\n`)).toThrow(/comes before/)
  })

  it('reports missing, stale, malformed and orphan docs, and fixes the first two', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-docs-'))
    try {
      const metas = new Map<string, RuleMeta>([
        ['principal-missing-tag', meta],
        ['gateway-direct-invoke', RULE_META.get('gateway-direct-invoke')!],
        ['tag-value-not-allowed', RULE_META.get('tag-value-not-allowed')!],
      ])
      writeFileSync(docPath('gateway-direct-invoke', dir), `${BEGIN_MARKER}\nstale\n${END_MARKER}\nnotes\n`)
      writeFileSync(docPath('tag-value-not-allowed', dir), 'no markers\n')
      writeFileSync(docPath('no-such-rule', dir), 'orphan\n')
      const states = (): Record<string, string> => Object.fromEntries(checkRuleDocs(metas, dir).map((s) => [s.id, s.state]))
      expect(states()).toEqual({
        'principal-missing-tag': 'missing',
        'gateway-direct-invoke': 'stale',
        'tag-value-not-allowed': 'malformed',
        'no-such-rule': 'orphan',
      })
      updateRuleDocs(metas, dir)
      expect(states()).toEqual({
        'principal-missing-tag': 'current',
        'gateway-direct-invoke': 'current',
        'tag-value-not-allowed': 'malformed',
        'no-such-rule': 'orphan',
      })
      expect(readFileSync(docPath('gateway-direct-invoke', dir), 'utf8').endsWith(`${END_MARKER}\nnotes\n`)).toBe(true)
      expect(readFileSync(docPath('tag-value-not-allowed', dir), 'utf8')).toBe('no markers\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('notices when the metadata changes', () => {
    const changed: RuleMeta = { ...meta, summary: 'A different summary.' }
    const current = readFileSync(docPath(meta.id), 'utf8')
    expect(renderRuleDoc(changed, current)).not.toBe(current)
  })
})
