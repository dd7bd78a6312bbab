/**
 * Generates the rule part of schemas/rules.schema.json from the rule metadata (`meta.options`, the one
 * place rule options are declared): `rules.<id>` and, for `custom` rules, the options of the rule they
 * extend. The rest of the schema (tags, settings, exceptions, scope) is hand-written and kept as it is.
 *
 *   npx tsx scripts/gen-rules-schema.ts           # rewrite the schema
 *   npx tsx scripts/gen-rules-schema.ts --check   # exit 1 when the committed schema is stale (CI)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { RULES_SCHEMA_PATH } from '../src/config/load.js'
import { RULE_META } from '../src/rules/index.js'
import { optionsSchema } from '../src/rules/options.js'
import type { RuleMeta } from '../src/rules/types.js'

type Json = Record<string, unknown>

const obj = (v: unknown, what: string): Json => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`rules schema: ${what} is not an object`)
  return v as Json
}

/** The schema with its generated parts replaced (`schema` is not modified). */
export function generateRulesSchema(schema: Json, metas: ReadonlyMap<string, RuleMeta> = RULE_META): Json {
  const out = structuredClone(schema)
  const props = obj(out.properties, 'properties')
  const rules = obj(props.rules, 'properties.rules')
  rules.properties = Object.fromEntries(
    [...metas.values()].map((m) => [m.id, { description: m.summary, allOf: [{ $ref: '#/definitions/ruleSetting' }, { properties: { options: optionsSchema(m) } }] }]),
  )
  const items = obj(obj(props.custom, 'properties.custom').items, 'properties.custom.items')
  items.allOf = [...metas.values()].map((m) => ({
    if: { properties: { extends: { const: m.id } }, required: ['extends'] },
    then: { properties: { options: optionsSchema(m) } },
  }))
  return out
}

export function renderRulesSchema(schema: Json): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}

/** Whether the committed schema equals the generated one. */
export function rulesSchemaIsCurrent(path = RULES_SCHEMA_PATH): boolean {
  const text = readFileSync(path, 'utf8')
  return renderRulesSchema(generateRulesSchema(JSON.parse(text) as Json)) === text
}

function main(argv: string[]): number {
  const text = readFileSync(RULES_SCHEMA_PATH, 'utf8')
  const fresh = renderRulesSchema(generateRulesSchema(JSON.parse(text) as Json))
  if (fresh === text) return 0
  if (argv.includes('--check')) {
    process.stderr.write('schemas/rules.schema.json: stale (the rule options changed): run `npm run docs:update`\n')
    return 1
  }
  writeFileSync(RULES_SCHEMA_PATH, fresh)
  process.stderr.write('schemas/rules.schema.json: updated\n')
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2))
}
