/**
 * The README's rules section (README.md) shows example files and the output of
 * `tagwarden rules test` on them. The files it shows are the files in examples/rules-test/, and the
 * output it shows is what the harness prints for them.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runRulesTest } from '../../src/cli/rules-test.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const README = readFileSync(join(REPO, 'README.md'), 'utf8')

/** The fenced block that follows each `<!-- kind: value -->` marker. */
function blocks(kind: 'file' | 'output'): Array<{ value: string; body: string }> {
  const re = new RegExp(`<!-- ${kind}: (.+?) -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``, 'g')
  return [...README.matchAll(re)].map((m) => ({ value: m[1]!, body: m[2]! }))
}

describe('README rules example', () => {
  it('shows the example rules file and case file exactly as they are', () => {
    const files = blocks('file')
    expect(files.map((f) => f.value)).toEqual(['examples/rules-test/tagwarden.yaml', 'examples/rules-test/cases/ml-cost-center.yaml'])
    for (const f of files) expect(f.body, f.value).toBe(readFileSync(join(REPO, f.value), 'utf8'))
  })

  it('shows what `tagwarden rules test` prints for them, and they pass', async () => {
    const [shown] = blocks('output')
    expect(shown?.value).toBe('tagwarden rules test examples/rules-test/cases --rules examples/rules-test/tagwarden.yaml')
    const out: string[] = []
    const code = await runRulesTest({ path: 'examples/rules-test/cases', rules: 'examples/rules-test/tagwarden.yaml', format: 'text', cwd: REPO, stdout: (s) => out.push(s) })
    expect(out.join('')).toBe(shown!.body)
    expect(code).toBe(0)
  })

  it('fails the example case when the custom rule is taken away, so the case really tests it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-readme-'))
    try {
      const rules = join(dir, 'tagwarden.yaml')
      writeFileSync(rules, readFileSync(join(REPO, 'examples/rules-test/tagwarden.yaml'), 'utf8').replace("scope: { paths: ['/ml/*'] }", "scope: { paths: ['/nothing/*'] }"))
      const out: string[] = []
      const code = await runRulesTest({ path: join(REPO, 'examples/rules-test/cases/ml-cost-center.yaml'), rules, format: 'text', cwd: REPO, stdout: (s) => out.push(s) })
      expect(code).toBe(1)
      expect(out.join('')).toContain('missing finding: ml-cost-center | arn:aws:iam::111111111111:role/ml/training-sagemaker | cost-center')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
