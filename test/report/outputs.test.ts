import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { planOutputs, writeOutput, writeSplitSarif } from '../../src/cli/outputs.js'
import { UsageError } from '../../src/errors.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tagwarden-outputs-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const usageCode = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    if (e instanceof UsageError) return e.code
    throw e
  }
  return undefined
}

describe('planOutputs', () => {
  it('puts the main output first, on stdout by default, then one target per --<format>-output', () => {
    const t = planOutputs({ format: 'github', extra: { sarif: 'r.sarif', json: 'out/r.json' }, cwd: dir, env: {} })
    expect(t.map((x) => [x.format, x.path, x.flag])).toEqual([
      ['github', undefined, '--format (stdout)'],
      ['json', join(dir, 'out/r.json'), '--json-output'],
      ['sarif', join(dir, 'r.sarif'), '--sarif-output'],
    ])
  })

  it('rejects two outputs to one path, including through a different spelling or a symlink', () => {
    expect(usageCode(() => planOutputs({ format: 'json', output: 'a.json', extra: { sarif: './a.json' }, cwd: dir, env: {} }))).toBe('output-collision')
    expect(usageCode(() => planOutputs({ format: 'text', extra: { json: '-' }, cwd: dir, env: {} }))).toBe('output-collision')
    writeFileSync(join(dir, 'real.md'), '')
    symlinkSync(join(dir, 'real.md'), join(dir, 'link.md'))
    expect(usageCode(() => planOutputs({ format: 'text', extra: { markdown: 'real.md', junit: 'link.md' }, cwd: dir, env: {} }))).toBe('output-collision')
    expect(usageCode(() => planOutputs({ format: 'text', extra: { markdown: 'a.md', junit: 'b.xml' }, cwd: dir, env: {} }))).toBeUndefined()
  })

  it('appends to $GITHUB_STEP_SUMMARY instead of overwriting it', () => {
    const summary = join(dir, 'step_summary')
    writeFileSync(summary, '## earlier step\n')
    const [, md] = planOutputs({ format: 'text', extra: { markdown: summary }, cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } })
    expect(md!.append).toBe(true)
    writeOutput(md!, '## tagwarden\n', { stdout: () => undefined })
    expect(readFileSync(summary, 'utf8')).toBe('## earlier step\n## tagwarden\n')
  })

  it('needs a folder for --sarif-split-by-account', () => {
    expect(usageCode(() => planOutputs({ format: 'text', sarifSplitByAccount: true, cwd: dir, env: {} }))).toBe('sarif-split-without-output')
    expect(usageCode(() => planOutputs({ format: 'sarif', sarifSplitByAccount: true, cwd: dir, env: {} }))).toBe('sarif-split-stdout')
    writeFileSync(join(dir, 'file.sarif'), '')
    expect(usageCode(() => planOutputs({ format: 'text', extra: { sarif: 'file.sarif' }, sarifSplitByAccount: true, cwd: dir, env: {} }))).toBe('sarif-split-not-dir')
    const t = planOutputs({ format: 'text', extra: { sarif: 'sarif' }, sarifSplitByAccount: true, cwd: dir, env: {} })
    expect(t[1]!.splitDir).toBe(true)
  })
})

describe('writing', () => {
  it('creates parent folders and writes split SARIF files named by account', () => {
    const [t] = planOutputs({ format: 'json', output: 'deep/er/r.json', cwd: dir, env: {} })
    writeOutput(t!, '{}\n', { stdout: () => undefined })
    expect(readFileSync(join(dir, 'deep/er/r.json'), 'utf8')).toBe('{}\n')
    mkdirSync(join(dir, 'sarif'))
    const [, s] = planOutputs({ format: 'text', extra: { sarif: 'sarif' }, sarifSplitByAccount: true, cwd: dir, env: {} })
    const files = writeSplitSarif(s!, [{ key: '111111111111', chunks: ['a'] }, { key: 'org', chunks: ['b'] }])
    expect(files).toEqual([join(dir, 'sarif/tagwarden-111111111111.sarif'), join(dir, 'sarif/tagwarden-org.sarif')])
    expect(readFileSync(files[1]!, 'utf8')).toBe('b')
  })

  it('sends the stdout target to the stdout writer', () => {
    const [t] = planOutputs({ format: 'text', cwd: dir, env: {} })
    let got = ''
    writeOutput(t!, 'hello', { stdout: (s) => (got += s) })
    expect(got).toBe('hello')
  })
})
