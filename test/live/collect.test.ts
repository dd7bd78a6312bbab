/**
 * `collect` writes what a live scan read as raw JSON in the `--input` format, with a manifest; scanning
 * that folder gives exactly the live scan's findings (and its AWS failures), SCPs and OU paths included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runScan } from '../../src/pipeline/scan.js'
import { collectExitCode, formatCollectSummary, runCollect } from '../../src/collect/run.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { isTagwardenError } from '../../src/errors.js'
import { emptyWorld, issuedSecrets, type World } from '../support/aws-server/index.js'
import { demoOrg, syntheticAccountId, syntheticOrg, worldFromSnapshotDir } from '../support/aws-server/fixtures.js'
import { bundledConfig, comparable, liveHarness, NOW, withTempDir, type LiveHarness } from './helpers.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const DENY_BEDROCK = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['bedrock:*', 'bedrock-mantle:*'], Resource: '*' }] }

async function scanCollected(dir: string) {
  return runScan({ config: bundledConfig(), sources: [snapshotSource([dir])], now: NOW })
}

describe('collect → scan --input round trip', () => {
  let world: World
  let h: LiveHarness
  const failing = syntheticAccountId(5)
  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: 8, targetEvery: 3 })
    // SCPs matter (a Deny under ou-s1-team), pages matter (IAM pages of 2 items), one account fails.
    world.org!.policies.push({ id: 'p-deny', name: 'deny-bedrock', content: DENY_BEDROCK, targets: ['ou-s1-team'] })
    world.iamMaxPageSize = 2
    world.accounts.get(failing)!.assumableRoles = {}
    h = await liveHarness(world, syntheticAccountId(0))
  })
  afterAll(() => h.close())

  it('gives exactly the live scan’s findings and errors', async () => {
    const live = await h.scan({ org: true })
    expect(live.report.errors.map((e) => [e.accountId, e.code])).toEqual([[failing, 'AccessDenied']])
    // The Deny under ou-s1-team removes some findings: the SCPs really take part.
    expect(live.report.findings.filter((f) => f.ruleId === 'principal-missing-tag').map((f) => f.subject.accountId)).toEqual(
      [0, 1, 3, 7].map(syntheticAccountId),
    )
    await withTempDir(async (dir) => {
      const out = join(dir, 'snap')
      const collected = await runCollect({ ...h.options({ org: true }), out, now: NOW })
      expect(collected.manifest.accounts.failed).toEqual([failing])
      expect(collected.manifest.accounts.collected).toHaveLength(7)
      expect(collected.manifest.errors.map((e) => [e.accountId, e.code])).toEqual([[failing, 'AccessDenied']])
      expect(collectExitCode(collected)).toBe(2)
      expect(collectExitCode(collected, true)).toBe(0)
      expect(formatCollectSummary(collected, out)).toContain(`collected 7 account(s), 1 failed (${failing}) into ${out}`)
      const offline = await scanCollected(out)
      expect(comparable(offline.findings)).toEqual(comparable(live.report.findings))
      expect(offline.errors.map((e) => [e.accountId, e.code])).toEqual([[failing, 'AccessDenied']])
      expect(offline.summary.accounts.ids).toEqual(live.report.summary.accounts.ids)
      expect(offline.summary.bedrockCapable).toEqual(live.report.summary.bedrockCapable)
    })
  })

  it('writes the documented layout and never a credential', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'snap')
      const { files, manifest } = await runCollect({ ...h.options({ org: true, accounts: [syntheticAccountId(0), syntheticAccountId(2)] }), out, now: NOW })
      const acct = syntheticAccountId(2)
      expect(files).toEqual(
        expect.arrayContaining([
          'manifest.json',
          'organization/describe-organization.json',
          'organization/list-accounts.json',
          'organization/list-roots.json',
          'organization/list-policies-scp.json',
          'organization/describe-policy/p-FullAWSAccess.json',
          'organization/list-targets-for-policy/p-FullAWSAccess.json',
          'organization/list-parents/ou-s1-team.json',
          `organization/list-parents/${acct}.json`,
          `${acct}/get-account-authorization-details-page1.json`,
          `${acct}/get-account-authorization-details-page2.json`,
          `${acct}/list-service-specific-credentials.json`,
          `${acct}/list-saml-providers.json`,
          `${acct}/list-open-id-connect-providers.json`,
        ]),
      )
      expect(manifest).toMatchObject({
        formatVersion: 1,
        tool: { name: 'tagwarden' },
        collectedAt: NOW.toISOString(),
        caller: { accountId: syntheticAccountId(0), partition: 'aws' },
        scope: { org: true, accounts: [syntheticAccountId(0), syntheticAccountId(2)], roleName: 'OrganizationAccountAccessRole', externalId: false, scps: true },
      })
      const envelope = JSON.parse(await readFile(join(out, `organization/list-parents/${acct}.json`), 'utf8')) as unknown
      expect(envelope).toEqual({
        TagwardenEnvelope: { formatVersion: 1, operation: 'organizations:ListParents', request: { ChildId: acct } },
        Response: { Parents: [{ Id: 'ou-s1-team', Type: 'ORGANIZATIONAL_UNIT' }] },
      })
      const page = JSON.parse(await readFile(join(out, `${acct}/get-account-authorization-details-page1.json`), 'utf8')) as Record<string, unknown>
      expect(page).toMatchObject({ IsTruncated: true, Marker: expect.any(String) })
      // Documents stay as IAM returns them: URL-encoded.
      const role = (page.RoleDetailList as Array<{ AssumeRolePolicyDocument: string }>)[0]
      expect(role?.AssumeRolePolicyDocument).toMatch(/^%7B/)
      const all = await Promise.all(files.map((f) => readFile(join(out, f), 'utf8')))
      for (const secret of issuedSecrets(world)) expect(all.some((t) => t.includes(secret))).toBe(false)
    })
  })

  it('refuses a non-empty --out folder', async () => {
    await withTempDir(async (dir) => {
      await runCollect({ ...h.options(), out: join(dir, 'a'), now: NOW })
      const err = await runCollect({ ...h.options(), out: join(dir, 'a'), now: NOW }).catch((e: unknown) => e)
      expect(isTagwardenError(err) && err.code).toBe('collect-out-not-empty')
    })
  })
})

describe('collect of the demo organization', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = await worldFromSnapshotDir(DEMO, emptyWorld())
    demoOrg(world)
    h = await liveHarness(world, '111111111111')
  })
  afterAll(() => h.close())

  it('round-trips to the live scan’s findings', async () => {
    const live = await h.scan({ org: true })
    await withTempDir(async (dir) => {
      await runCollect({ ...h.options({ org: true }), out: dir, now: NOW })
      const offline = await scanCollected(dir)
      expect(offline.errors).toEqual([])
      expect(offline.findings.length).toBeGreaterThanOrEqual(11)
      expect(comparable(offline.findings)).toEqual(comparable(live.report.findings))
    })
  })
})
