/** Shared helpers for the IaC tests: run the whole pipeline on IaC inputs, read results back. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Finding, ScanReport } from '../../src/model/finding.js'
import { iacSource, type IacSourceOptions } from '../../src/sources/iac.js'
import { runScan } from '../../src/pipeline/scan.js'
import { loadRulesConfig } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { loadIacUnit, planIac, type IacInventory } from '../../src/scanners/iac/index.js'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = join(REPO, 'test/fixtures/iac')
export const EXAMPLES = join(REPO, 'examples/iac')
export const NOW = new Date('2026-09-01T00:00:00Z')

const bundled = loadRulesConfig({ builtins: RULE_META })
export const REQUIRED_TAG_KEYS = bundled.settings.requiredTags.map((t) => t.key)

/**
 * The rules the IaC examples are written to show. Assertions list their findings exactly; findings of rules
 * added to the bundled rule set later (org-wide tag statistics, usage) are not this scanner's concern.
 */
export const IAC_RULES = [
  'principal-missing-tag',
  'federated-role-session-tags',
  'federated-role-session-name',
  'gateway-direct-invoke',
  'gateway-target-session-tags',
  'gateway-target-source-identity',
]

/** The bundled rule set, limited to the rules the IaC examples are written to show. */
const config = { ...bundled, rules: bundled.rules.filter((r) => IAC_RULES.includes(r.base)) }

export async function scanIac(paths: string[], opts: IacSourceOptions = {}): Promise<ScanReport> {
  return runScan({
    config,
    sources: [iacSource(paths, { basePath: REPO, requiredTagKeys: REQUIRED_TAG_KEYS, ...opts })],
    now: NOW,
  })
}

/** Every inventory the scanner builds from `paths` (errors included). */
export async function inventories(paths: string[], opts: IacSourceOptions = {}): Promise<{ inventories: IacInventory[]; errors: string[] }> {
  const o = { basePath: REPO, requiredTagKeys: REQUIRED_TAG_KEYS, ...opts }
  const plan = await planIac(paths, o)
  const out: IacInventory[] = []
  const errors = plan.errors.map((e) => `${e.source}: ${e.message}`)
  for (const u of plan.units) {
    for (const l of await loadIacUnit(u, o)) {
      if (l.inventory) out.push(l.inventory)
      errors.push(...l.errors.map((e) => `${e.source}: ${e.message}`))
    }
  }
  return { inventories: out, errors }
}

/** `ruleId name` for each finding of `IAC_RULES`, sorted: compact to assert on. */
export function findingKeys(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => IAC_RULES.includes(f.ruleId))
    .map((f) => `${f.ruleId} ${f.subject.name}`)
    .sort()
}

/** A fresh temporary folder holding `files` (path → content). */
export function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tagwarden-iac-'))
  for (const [p, text] of Object.entries(files)) {
    const abs = join(dir, p)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, text)
  }
  return dir
}

/** A minimal Lambda-trusted role with a Bedrock grant, as CloudFormation YAML lines under `Resources:`. */
export function cfnRole(id: string, extra = ''): string {
  return `  ${id}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ${id.toLowerCase()}
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess]
${extra}`
}

export function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Run git in `cwd` with a throwaway identity (tests commit in temporary repositories). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' })
}
