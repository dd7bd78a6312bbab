/**
 * `tagwarden demo` (three labelled parts, reports in ./tagwarden-demo/, next steps) and the package: what
 * help and the README point at ships, and installing runs no script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { COMMANDS } from '../../src/commands/index.js'
import { REPO, runCli } from './run-cli.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tw-demo-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const pjson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> }

describe('tagwarden demo', () => {
  for (const columns of [80, 120]) {
    it(`reads as three labelled parts and ends with the next steps, at ${columns} columns`, async () => {
      const r = await runCli(['demo', '--no-color'], { cwd: tmp, tty: { columns } })
      expect(r.status).toBe(0)
      expect(r.stderr).toBe('')
      const lines = r.stdout.split('\n')
      const parts = lines.filter((l) => l.startsWith('━━ Part '))
      expect(parts).toEqual(['━━ Part 1 of 3 — Organization audit', '━━ Part 2 of 3 — Bedrock spend by team', '━━ Part 3 of 3 — Pre-deploy gate on infrastructure as code'])
      // Each scan part has its findings and its summary inside the part, in order.
      const at = (s: string, from = 0): number => lines.findIndex((l, i) => i >= from && l === s)
      const [p1, p2, p3] = parts.map((p) => lines.indexOf(p))
      expect(at('Summary', p1)).toBeLessThan(p2!)
      expect(at('Summary', p3)).toBeGreaterThan(p3!)
      const next = lines.indexOf('Next steps with your own AWS account')
      expect(next).toBeGreaterThan(at('Summary', p3))
      const tail = lines.slice(next).join('\n')
      expect(tail).toMatch(/export AWS_PROFILE=/)
      expect(tail).toContain('tagwarden scan --live')
      expect(tail).toContain('tagwarden scan --org --role-name tagwarden-audit')
      expect(tail).toContain('tagwarden-demo/')
      // Says where the HTML report is (issue 17: `npm run demo` writes it and says where).
      expect(tail.replace(/\s+/g, ' ')).toMatch(/open tagwarden-demo\/org\.html in a browser/)
      // Wrapped to the width: only an unbreakable word (an ARN, a path) may overrun it.
      for (const l of lines.filter((x) => x.length > columns)) expect(l.trim(), l).not.toContain(' ')
    })
  }

  it('writes its reports to ./tagwarden-demo/', () => {
    for (const f of ['org.json', 'org.sarif', 'org.md', 'org.html', 'spend.json', 'spend.html', 'iac.json', 'iac.sarif', 'iac.md']) expect(existsSync(join(tmp, 'tagwarden-demo', f)), f).toBe(true)
    const org = JSON.parse(readFileSync(join(tmp, 'tagwarden-demo', 'org.json'), 'utf8')) as { findings: unknown[]; errors: unknown[] }
    expect(org.errors).toEqual([])
    expect(org.findings.length).toBeGreaterThan(10)
  })

  it('is git-ignored in this repository, and `npm run demo` builds first', () => {
    expect(readFileSync(join(REPO, '.gitignore'), 'utf8').split('\n')).toContain('tagwarden-demo/')
    expect(pjson.scripts.demo).toMatch(/^npm run build\b.*&& node bin\/run\.js demo$/)
    expect(pjson.scripts.test).toMatch(/npm run build &&/)
  })
})

describe('the package', () => {
  it('runs no script when installed (no prepare/install warning)', () => {
    for (const s of ['prepare', 'preinstall', 'install', 'postinstall']) expect(pjson.scripts[s], s).toBeUndefined()
  })

  /** Every `docs/…`, `examples/…`, `schemas/…` path a text names. */
  const cited = (text: string): string[] => [...text.matchAll(/(?<![\w/.-])((?:docs|examples|schemas)\/[\w./-]*[\w/])/g)].map((m) => m[1]!)

  const helpText = Object.values(COMMANDS)
    .flatMap((C) => {
      const c = C as unknown as { summary?: string; description?: string; examples?: Array<{ description: string; command: string }>; flags?: Record<string, { summary?: string; description?: string }>; args?: Record<string, { description?: string }> }
      return [c.summary, c.description, ...(c.examples ?? []).flatMap((e) => [e.description, e.command]), ...Object.values(c.flags ?? {}).flatMap((f) => [f.summary, f.description]), ...Object.values(c.args ?? {}).map((a) => a.description)]
    })
    .filter((s): s is string => typeof s === 'string')
    .join('\n')

  it.each([
    ['help', helpText],
    ['the README', readFileSync(join(REPO, 'README.md'), 'utf8')],
  ])('what %s points at exists and ships in the package', (_name, text) => {
    const paths = [...new Set(cited(text))]
    expect(paths.length).toBeGreaterThan(3)
    for (const p of paths) {
      expect(existsSync(join(REPO, p)), `${p} does not exist`).toBe(true)
      expect(
        pjson.files.some((f) => p === f || p.startsWith(`${f.replace(/\/$/, '')}/`)),
        `${p} is not in package.json files`,
      ).toBe(true)
    }
  })
})
