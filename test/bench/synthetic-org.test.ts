/**
 * The benchmarks' synthetic organization: deterministic per seed, the promised mix, readable without a
 * single error, and the same organization offline (snapshot files in collect layout) and live (fake AWS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScan } from '../../src/pipeline/scan.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import type { ScanReport } from '../../src/model/finding.js'
import { emptyWorld } from '../support/aws-server/index.js'
import { bundledConfig, comparable, liveHarness, NOW } from '../live/helpers.js'
import { generateAccount, syntheticAccountId, syntheticWorld, writeSyntheticSnapshot, type SyntheticOptions } from '../../bench/synthetic-org.js'

type Json = Record<string, unknown>
const ORG: SyntheticOptions = { accounts: 6, principals: 80, seed: 42 }
/** Index 5 lands in the sandbox OU, whose SCP denies every Bedrock action. */
const SANDBOX = syntheticAccountId(5)

const trustOf = (r: Json): string => JSON.stringify(r.AssumeRolePolicyDocument)

describe('generateAccount', () => {
  it('is a function of (seed, account index, size)', () => {
    expect(generateAccount(ORG, 3)).toEqual(generateAccount(ORG, 3))
    expect(generateAccount(ORG, 3)).not.toEqual(generateAccount({ ...ORG, seed: 43 }, 3))
    expect(generateAccount(ORG, 3).id).toBe(syntheticAccountId(3))
  })

  it('has the requested number of principals and the realistic mix', () => {
    const a = generateAccount({ accounts: 1, principals: 1000, seed: 1 }, 1)
    const roles = a.details.RoleDetailList
    const users = a.details.UserDetailList
    expect(roles.length + users.length).toBe(1000)
    expect(a.counts).toMatchObject({ users: users.length, roles: roles.length })
    const tagKeys = [...roles, ...users].flatMap((p) => (p.Tags as Json[]).map((t) => t.Key))
    expect(tagKeys).toEqual(expect.arrayContaining(['team', 'env']))
    expect(tagKeys.some((k) => k === 'Team' || k === 'TEAM')).toBe(true)
    expect([...roles, ...users].some((p) => !(p.Tags as Json[]).some((t) => String(t.Key).toLowerCase() === 'team'))).toBe(true)
    expect(roles.some((r) => String(r.Path).startsWith('/aws-service-role/'))).toBe(true)
    expect(roles.some((r) => trustOf(r).includes('saml-provider') && trustOf(r).includes('sts:TagSession'))).toBe(true)
    expect(roles.some((r) => trustOf(r).includes('saml-provider') && !trustOf(r).includes('sts:TagSession'))).toBe(true)
    expect(roles.some((r) => trustOf(r).includes('token.actions.githubusercontent.com'))).toBe(true)
    expect(roles.some((r) => (r.Tags as Json[]).some((t) => t.Key === 'llm-gateway'))).toBe(true)
    expect(roles.some((r) => trustOf(r).includes('genai-llm-gateway'))).toBe(true)
    expect(roles.some((r) => r.PermissionsBoundary !== undefined)).toBe(true)
    expect(users.some((u) => (u.GroupList as string[]).length > 0)).toBe(true)
    // Most roles share a handful of managed policies; a few have inline documents of their own.
    const attached = roles.flatMap((r) => (r.AttachedManagedPolicies as Json[]).map((p) => p.PolicyArn))
    expect(new Set(attached).size).toBeLessThan(20)
    expect(attached.length).toBeGreaterThan(roles.length)
    const inline = roles.flatMap((r) => (r.RolePolicyList as Json[]).map((p) => JSON.stringify(p.PolicyDocument)))
    expect(new Set(inline).size).toBeGreaterThan(10)
    // AWS managed policies in use come with their documents, as get-account-authorization-details lists them.
    const aws = a.details.Policies.filter((p) => String(p.Arn).includes(':iam::aws:policy/'))
    expect(aws.map((p) => p.PolicyName)).toContain('AmazonBedrockFullAccess')
    expect(aws.every((p) => (p.PolicyVersionList as Json[]).some((v) => v.IsDefaultVersion === true && typeof v.Document === 'object'))).toBe(true)
  })

  it('writes documents URL-encoded, as the IAM API returns them, when asked', () => {
    const role = generateAccount({ ...ORG, encodeDocuments: true }, 1).details.RoleDetailList[0] as Json
    expect(role.AssumeRolePolicyDocument).toEqual(expect.stringMatching(/^%7B%22Version%22/))
  })
})

describe('the synthetic organization, offline and live', () => {
  let dir: string
  let offline: ScanReport
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tagwarden-synthetic-'))
    const written = await writeSyntheticSnapshot(dir, ORG)
    expect(written.principals).toBe(ORG.accounts * ORG.principals)
    offline = await runScan({ config: bundledConfig(), sources: [snapshotSource([dir])], now: NOW })
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('is read offline without an error, SCPs and OU paths included', async () => {
    expect(offline.errors).toEqual([])
    const s = offline.summary
    expect(s.accounts.scanned).toBe(ORG.accounts)
    expect(s.principals.users + s.principals.roles).toBe(ORG.accounts * ORG.principals)
    expect(s.principals.skippedServiceLinked).toBeGreaterThan(0)
    expect(s.bedrockCapable.total).toBeGreaterThan(0)
    expect(Object.keys(s.findings.byRule)).toEqual(
      expect.arrayContaining(['principal-missing-tag', 'federated-role-session-tags', 'gateway-direct-invoke', 'gateway-target-session-tags']),
    )
    // The sandbox OU's SCP denies Bedrock: nothing there is capable, although its roles attach the same policies.
    expect(offline.findings.filter((f) => f.subject.accountId === SANDBOX && f.ruleId === 'principal-missing-tag')).toEqual([])
    expect(offline.findings.some((f) => f.subject.accountId === syntheticAccountId(4) && f.ruleId === 'principal-missing-tag')).toBe(true)
    const list = JSON.parse(await readFile(join(dir, 'organization', 'list-accounts.json'), 'utf8')) as { Accounts: unknown[] }
    expect(list.Accounts).toHaveLength(ORG.accounts)
  })

  it('gives the same findings with URL-encoded documents', async () => {
    const encodedDir = await mkdtemp(join(tmpdir(), 'tagwarden-synthetic-enc-'))
    try {
      await writeSyntheticSnapshot(encodedDir, { ...ORG, encodeDocuments: true })
      const encoded = await runScan({ config: bundledConfig(), sources: [snapshotSource([encodedDir])], now: NOW })
      expect(comparable(encoded.findings)).toEqual(comparable(offline.findings))
    } finally {
      await rm(encodedDir, { recursive: true, force: true })
    }
  })

  it('gives the same findings live, through the fake AWS, as offline', async () => {
    const world = emptyWorld()
    const org = syntheticWorld(world, ORG)
    const h = await liveHarness(world, org.managementAccountId)
    try {
      const { report } = await h.scan({ org: true })
      expect(report.errors).toEqual([])
      expect(comparable(report.findings)).toEqual(comparable(offline.findings))
    } finally {
      await h.close()
    }
  })
})
