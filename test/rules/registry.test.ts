/**
 * The rule registry is the one list of rules: IDs are unique, stable, named after their files, never
 * reused, documented, tested, and every message template is fully filled by what the rule reports.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { RULES, RULE_META, RULE_REGISTRY } from '../../src/rules/index.js'
import { RETIRED_RULE_IDS } from '../../src/rules/retired.js'
import { BUNDLED_RULES_PATH } from '../../src/config/load.js'
import { loadRuleCase, runRuleCase } from '../../src/testing/rule-cases.js'
import type { Finding } from '../../src/model/finding.js'
import { caseFiles, caseFolders } from './case-files.js'

const RULES_DIR = fileURLToPath(new URL('../../src/rules/', import.meta.url))
const DOCS_DIR = fileURLToPath(new URL('../../docs/rules/', import.meta.url))
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const CAMEL = /^[a-z][a-zA-Z0-9]*$/

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
}

describe('rule IDs', () => {
  it('are unique', () => {
    const ids = RULES.map((r) => r.meta.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(RULE_REGISTRY.size).toBe(RULES.length)
  })

  it('are kebab-case', () => {
    for (const r of RULES) expect(r.meta.id, r.meta.id).toMatch(KEBAB)
  })

  it('each live in src/rules/<family>/<id>.ts, and every rule module there is registered', () => {
    // The rule files are derived from the folders, not listed by hand: a module that defines a rule is one.
    const files = readdirSync(RULES_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(`${RULES_DIR}${d.name}`).map((f) => `${d.name}/${f}`))
      .filter((f) => f.endsWith('.ts') && readFileSync(`${RULES_DIR}${f}`, 'utf8').includes('defineRule'))
    expect(files.map((f) => basename(f, '.ts')).sort()).toEqual([...RULE_REGISTRY.keys()].sort())
    for (const file of files) {
      // The module named after an ID is the one that declares it.
      expect(readFileSync(`${RULES_DIR}${file}`, 'utf8'), file).toContain(`id: '${basename(file, '.ts')}'`)
    }
  })

  it('never reuse a retired ID', () => {
    for (const id of RETIRED_RULE_IDS) expect(RULE_REGISTRY.has(id), `retired ID ${id} is registered again`).toBe(false)
  })
})

describe('rule metadata', () => {
  for (const { meta, scope } of RULES) {
    it(`${meta.id} is complete`, () => {
      for (const field of ['summary', 'rationale', 'remediation'] as const) {
        expect(meta[field].trim().length, `${meta.id}.${field}`).toBeGreaterThan(20)
      }
      expect(meta.summary.trim()).toMatch(/\.$/)
      expect(meta.appliesTo.length).toBeGreaterThan(0)
      expect(meta.tags.length).toBeGreaterThan(0)
      expect(meta.examples.compliant.trim()).not.toBe('')
      expect(meta.examples.nonCompliant.trim()).not.toBe('')
      expect(meta.examples.compliant).not.toBe(meta.examples.nonCompliant)
      expect(['principal', 'org']).toContain(scope)
      const ids = Object.keys(meta.messages)
      expect(ids.length).toBeGreaterThan(0)
      for (const id of ids) {
        expect(id, `${meta.id} messageId`).toMatch(CAMEL)
        expect(meta.messages[id]!.trim().length, `${meta.id}.${id}`).toBeGreaterThan(20)
      }
      for (const [name, opt] of Object.entries(meta.options ?? {})) {
        expect(opt.description.trim(), `${meta.id} option ${name}`).not.toBe('')
        expect(opt.type, `${meta.id} option ${name}`).not.toBe('')
      }
    })
  }

  it('default severities equal the bundled rules.yaml', () => {
    const bundled = parseYaml(readFileSync(BUNDLED_RULES_PATH, 'utf8')) as { rules: Record<string, { severity?: string }> }
    expect(Object.keys(bundled.rules).sort()).toEqual([...RULE_META.keys()].sort())
    for (const [id, meta] of RULE_META) expect(bundled.rules[id]?.severity, id).toBe(meta.defaultSeverity)
  })
})

describe('every rule has its tests and its doc', () => {
  it('has a cases folder per rule and no folder for an unknown rule', () => {
    expect(caseFolders()).toEqual([...RULE_REGISTRY.keys()].sort())
  })

  for (const id of RULE_REGISTRY.keys()) {
    it(`${id} has docs/rules/${id}.md`, () => {
      expect(existsSync(`${DOCS_DIR}${id}.md`)).toBe(true)
    })
  }
})

describe('messages rendered on the case fixtures', () => {
  let findings: Finding[] | undefined
  const all = async (): Promise<Finding[]> => {
    if (!findings) {
      findings = []
      for (const file of caseFiles()) {
        const r = await runRuleCase(loadRuleCase(file))
        findings.push(...(r.report?.findings ?? []))
      }
    }
    return findings
  }

  it('fill every placeholder of their template', async () => {
    const fs = await all()
    expect(fs.length).toBeGreaterThan(20)
    for (const f of fs) {
      // Custom rule instances (e.g. `ml-cost-center`) carry their own ID; their text is checked below.
      const rule = RULE_REGISTRY.get(f.ruleId)
      if (rule) {
        const template = rule.meta.messages[f.messageId]
        expect(template, `${f.ruleId}: unknown messageId ${f.messageId}`).toBeDefined()
        for (const p of placeholders(template!)) expect(Object.keys(f.data), `${f.ruleId}.${f.messageId} data`).toContain(p)
      }
      expect(f.message, `${f.ruleId}.${f.messageId}`).not.toMatch(/\{\w+\}/)
      expect(f.message).not.toMatch(/undefined|\bnull\b|NaN|\[object Object\]/)
    }
  })

  it('exercise every messageId of every rule', async () => {
    const fs = await all()
    for (const { meta } of RULES) {
      const seen = new Set(fs.filter((f) => f.ruleId === meta.id).map((f) => f.messageId))
      for (const id of Object.keys(meta.messages)) expect(seen.has(id), `no case produces ${meta.id}.${id}`).toBe(true)
    }
  })
})
