/** `tagwarden init` without a tag policy: the starter file, asked for or not. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { runInit } from '../../src/cli/rules-init.js'
import { SCHEMA_LINE } from '../../src/cli/rules-file-template.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-init-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('init', () => {
  it('asks nothing without a terminal and writes a commented starter that loads', async () => {
    const asked: string[] = []
    const err: string[] = []
    const code = await runInit({ cwd: dir, interactive: false, ask: async (q) => (asked.push(q), ''), stderr: (s) => err.push(s) })
    expect(code).toBe(0)
    expect(asked).toEqual([])
    const text = readFileSync(join(dir, 'tagwarden.yaml'), 'utf8')
    expect(text.split('\n')[0]).toBe(SCHEMA_LINE)
    expect(parseYaml(text)).toEqual({ version: 1, tags: { required: [{ key: 'team' }] } })
    // Commented examples of every section, for the reader.
    for (const section of ['# settings:', '# rules:', '# custom:', '# exceptions:']) expect(text).toContain(section)
    expect(loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(dir, 'tagwarden.yaml')], RULE_META).settings.requiredTags).toEqual([{ key: 'team' }])
    expect(err.join('')).toBe('tagwarden: wrote tagwarden.yaml (required tags: team); check it with `tagwarden rules validate tagwarden.yaml`\n')
  })

  it('on a terminal, asks for the keys, their values and the gateway names', async () => {
    const answers = ['team, cost-center', 'search, ads', '', '*-llm-proxy']
    const asked: string[] = []
    await runInit({ cwd: dir, interactive: true, ask: async (q) => (asked.push(q), answers.shift() ?? ''), stderr: () => {} })
    expect(asked).toEqual([
      'Tag keys every Bedrock-capable principal must carry, comma-separated [team]: ',
      'Allowed values of `team`, comma-separated (empty: any value): ',
      'Allowed values of `cost-center`, comma-separated (empty: any value): ',
      'Role-name patterns of your LLM gateways, comma-separated; *llm-gateway* is kept unless you write -*llm-gateway*: ',
    ])
    const text = readFileSync(join(dir, 'tagwarden.yaml'), 'utf8')
    // The gateway entered is added to the default pattern, which stays.
    expect(parseYaml(text)).toEqual({
      version: 1,
      tags: { required: [{ key: 'team', allowedValues: ['search', 'ads'] }, { key: 'cost-center' }] },
      settings: { gateways: { namePatterns: ['*llm-gateway*', '*-llm-proxy'] } },
    })
    expect(text).not.toContain('# settings:')
    expect(loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(dir, 'tagwarden.yaml')], RULE_META).settings.gateways.namePatterns).toEqual(['*llm-gateway*', '*-llm-proxy'])
  })

  it('on a terminal, removes the default gateway pattern only when asked to', async () => {
    const gatewaysFor = async (answer: string): Promise<unknown> => {
      const answers = ['', '', answer]
      rmSync(join(dir, 'tagwarden.yaml'), { force: true })
      await runInit({ cwd: dir, interactive: true, ask: async () => answers.shift() ?? '', stderr: () => {} })
      return loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(dir, 'tagwarden.yaml')], RULE_META).settings.gateways.namePatterns
    }
    expect(await gatewaysFor('')).toEqual(['*llm-gateway*'])
    expect(await gatewaysFor('-*llm-gateway*, *-proxy')).toEqual(['*-proxy'])
    expect(await gatewaysFor('-*llm-gateway*')).toEqual([])
  })

  it('asks nothing with --yes, and writes to stdout with --output -', async () => {
    const out: string[] = []
    await runInit({ cwd: dir, interactive: true, yes: true, output: '-', ask: async () => 'x', stdout: (s) => out.push(s) })
    expect(parseYaml(out.join(''))).toEqual({ version: 1, tags: { required: [{ key: 'team' }] } })
    expect(existsSync(join(dir, 'tagwarden.yaml'))).toBe(false)
  })
})
