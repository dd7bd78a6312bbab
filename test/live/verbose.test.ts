/**
 * `-v/--verbose` means more detail everywhere (issue 18, item 8): on a live scan, the AWS calls per operation
 * on stderr (the JSON on stdout unchanged); in text output, the granting statements and the fix of each finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUserCredentials, emptyFakeAccount, emptyWorld, startAwsServer, type AwsServer } from '../support/aws-server/index.js'
import { assertReadOnly } from './helpers.js'
import { DEMO, runCli } from '../cli/run-cli.js'

const ACCOUNT = '222222222222'
const invoke = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] }

let server: AwsServer
let env: Record<string, string>
beforeAll(async () => {
  const world = emptyWorld()
  const account = emptyFakeAccount(ACCOUNT)
  account.iam.roles.push({
    Path: '/',
    RoleName: 'chat-backend',
    RoleId: 'AROA222222222222CHAT',
    Arn: `arn:aws:iam::${ACCOUNT}:role/chat-backend`,
    CreateDate: '2025-01-01T00:00:00Z',
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: 'invoke', PolicyDocument: invoke }],
    AttachedManagedPolicies: [],
    Tags: [],
  })
  world.accounts.set(ACCOUNT, account)
  server = await startAwsServer(world)
  const caller = addUserCredentials(world, ACCOUNT)
  env = { AWS_ENDPOINT_URL: server.url, AWS_ACCESS_KEY_ID: caller.accessKeyId, AWS_SECRET_ACCESS_KEY: caller.secretAccessKey, AWS_REGION: 'us-east-1' }
})
afterAll(async () => {
  await server.close()
  assertReadOnly(server)
})

describe('-v/--verbose', () => {
  it('on a live scan, lists the AWS calls per operation on stderr', async () => {
    const quiet = await runCli(['scan', '--live', '--format', 'json', '--fail-on', 'never'], { env })
    expect(quiet.stderr).toBe('')
    const r = await runCli(['scan', '--live', '-v', '--format', 'json', '--fail-on', 'never'], { env })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('iam:GetAccountAuthorizationDetails')
    // Read from the local fake AWS (AWS_ENDPOINT_URL), through the real SDK.
    expect(r.stdout).toContain('role/chat-backend')
    expect(JSON.parse(r.stdout)).toHaveProperty('summary.aws.calls.total')
  })

  it('in text output, adds the granting statements and the fix of each finding', async () => {
    const plain = await runCli(['scan', '--input', DEMO, '--fail-on', 'never'])
    const verbose = await runCli(['scan', '--input', DEMO, '--fail-on', 'never', '--verbose'])
    expect(plain.stdout).not.toMatch(/^ +granted by /m)
    expect(verbose.stdout).toMatch(/^ +granted by /m)
    expect(verbose.stdout).toMatch(/^ +fix: /m)
  })
})
