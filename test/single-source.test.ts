/**
 * Facts written in more than one place for readers stay equal to their one source: the bundled rules file
 * (rules.yaml) for the default settings, and the rule registry for the README's rule table.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { DEFAULT_INFERENCE_ACTIONS } from '../src/iam/capability.js'
import { DEFAULT_WORKLOAD_OIDC_ISSUERS } from '../src/iam/trust.js'
import { RULES } from '../src/rules/index.js'

const REPO = fileURLToPath(new URL('../', import.meta.url))
const bundled = parseYaml(readFileSync(`${REPO}rules.yaml`, 'utf8')) as { settings: { inferenceActions: string[]; workloadOidcIssuers: string[] } }
const readme = readFileSync(`${REPO}README.md`, 'utf8')

describe('default settings', () => {
  it('the analysis defaults are the bundled rules file', () => {
    expect([...DEFAULT_INFERENCE_ACTIONS]).toEqual(bundled.settings.inferenceActions)
    expect([...DEFAULT_WORKLOAD_OIDC_ISSUERS]).toEqual(bundled.settings.workloadOidcIssuers)
  })

  it('the README names every default inference action', () => {
    const paragraph = readme.slice(readme.indexOf('**Bedrock-capable**'), readme.indexOf('**Who can assume a role**'))
    expect(paragraph.length).toBeGreaterThan(0)
    for (const action of bundled.settings.inferenceActions) expect(paragraph, action).toContain(`\`${action}\``)
  })
})

describe("the README's rule table", () => {
  const rows = [...readme.matchAll(/^\| \[`([a-z0-9-]+)`\]\(docs\/rules\/([a-z0-9-]+)\.md\) \| ([^|]+) \|/gm)]

  it('lists every registered rule once, linked to its doc', () => {
    expect(rows.map((r) => r[1]).sort()).toEqual(RULES.map((r) => r.meta.id).sort())
    for (const r of rows) expect(r[2], `${r[1]} links to another rule's doc`).toBe(r[1])
  })

  it("gives each rule's default severity", () => {
    for (const r of rows) {
      const meta = RULES.find((m) => m.meta.id === r[1])!.meta
      expect(r[3]!.trim().split(' / '), r[1]).toContain(meta.defaultSeverity)
    }
  })
})
