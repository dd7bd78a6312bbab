/**
 * The edges of a live scan: credentials never printed (even with --debug), progress only on a terminal's
 * stderr, partitions other than `aws`, and the corporate-network settings (HTTPS_PROXY, NO_PROXY,
 * AWS_CA_BUNDLE).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Writable } from 'node:stream'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { Agent as HttpsAgent } from 'node:https'
import { createServer, get, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { bypassesProxy, createHttpsAgent, describeNetwork } from '../../src/scanners/live/clients.js'
import { Redactor } from '../../src/scanners/live/redact.js'
import { resolveRegion } from '../../src/scanners/live/session.js'
import { emptyFakeAccount, emptyWorld, issuedSecrets, type World } from '../support/aws-server/index.js'
import { syntheticAccountId, syntheticOrg } from '../support/aws-server/fixtures.js'
import { liveHarness, withTempDir, type LiveHarness } from './helpers.js'

class FakeTty extends Writable {
  isTTY = true
  columns = 100
  rows = 30
  text = ''
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString()
    cb()
  }
}

describe('credentials, debug output and progress', () => {
  let world: World
  let h: LiveHarness
  beforeAll(async () => {
    world = emptyWorld()
    syntheticOrg(world, { accounts: 5 })
    world.accounts.get(syntheticAccountId(3))!.assumableRoles = {}
    h = await liveHarness(world, syntheticAccountId(0))
  })
  afterAll(() => h.close())

  it('never prints a secret key or session token, in --debug lines, errors or the report', async () => {
    const lines: string[] = []
    const { report } = await h.scan({ org: true, debug: (l) => lines.push(l) })
    expect(lines.some((l) => l.includes('aws → iam:GetAccountAuthorizationDetails'))).toBe(true)
    expect(lines.some((l) => l.includes('sts:AssumeRole') && l.includes('AccessDenied'))).toBe(true)
    const secrets = issuedSecrets(world)
    expect(secrets.length).toBeGreaterThan(4) // the caller's key and the sessions AssumeRole handed out
    const printed = [...lines, JSON.stringify(report)].join('\n')
    for (const s of secrets) expect(printed.includes(s)).toBe(false)
    expect(printed).not.toContain(h.caller.accessKeyId)
  })

  it('masks registered secrets and access key IDs wherever they appear', () => {
    const r = new Redactor()
    r.add('s3cr3tValue/with+chars', undefined, 'short')
    expect(r.redact('token s3cr3tValue/with+chars key AKIAABCDEFGHIJKLMNOP role AROAABCDEFGHIJKLMNOPQ')).toBe('token **** key AKIA**** role AROAABCDEFGHIJKLMNOPQ')
  })

  it('draws progress (done/total, errors, ETA) on a terminal stderr only, never on stdout', async () => {
    const tty = new FakeTty()
    const stdout = vi.spyOn(process.stdout, 'write')
    try {
      await h.scan({ org: true, quiet: false, progressStream: tty as unknown as NodeJS.WriteStream })
      expect(stdout).not.toHaveBeenCalled()
    } finally {
      stdout.mockRestore()
    }
    expect(tty.text).toMatch(/accounts .* \d\/5 \| errors \d \| ETA/)
    expect(tty.text).toContain('5/5 | errors 1')
  })

  it('draws nothing with --quiet or when stderr is not a terminal', async () => {
    const quiet = new FakeTty()
    await h.scan({ org: true, quiet: true, progressStream: quiet as unknown as NodeJS.WriteStream })
    expect(quiet.text).toBe('')
    const pipe = new FakeTty()
    pipe.isTTY = false
    await h.scan({ org: true, quiet: false, progressStream: pipe as unknown as NodeJS.WriteStream })
    expect(pipe.text).toBe('')
  })
})

describe('partitions', () => {
  it('builds role ARNs in the caller’s partition (aws-us-gov)', async () => {
    const world = emptyWorld('aws-us-gov')
    for (const id of ['210000000000', '210000000001']) {
      const a = emptyFakeAccount(id, { parentId: 'r-g1' })
      a.iam.roles.push({
        Path: '/',
        RoleName: 'app',
        RoleId: `AROA${id}APP`,
        Arn: `arn:aws-us-gov:iam::${id}:role/app`,
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        RolePolicyList: [{ PolicyName: 'invoke', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] } }],
        AttachedManagedPolicies: [],
        Tags: [],
      })
      world.accounts.set(id, a)
    }
    world.org = { id: 'o-gov', managementAccountId: '210000000000', rootId: 'r-g1', scpEnabled: false, ous: [], policies: [] }
    const h = await liveHarness(world, '210000000000')
    try {
      const { report } = await h.scan({ org: true, region: 'us-gov-west-1' })
      expect(report.errors).toEqual([])
      expect(h.server.calls.find((c) => c.operation === 'AssumeRole')?.params.RoleArn).toBe('arn:aws-us-gov:iam::210000000001:role/OrganizationAccountAccessRole')
      expect(report.findings.map((f) => f.principalArn)).toEqual(['arn:aws-us-gov:iam::210000000000:role/app', 'arn:aws-us-gov:iam::210000000001:role/app'])
    } finally {
      await h.close()
    }
  })
})

describe('corporate networks', () => {
  it('matches NO_PROXY entries like curl does', () => {
    expect(bypassesProxy('iam.amazonaws.com', 443, undefined)).toBe(false)
    expect(bypassesProxy('iam.amazonaws.com', 443, '*')).toBe(true)
    expect(bypassesProxy('iam.amazonaws.com', 443, 'localhost, .amazonaws.com')).toBe(true)
    expect(bypassesProxy('iam.amazonaws.com', 443, 'amazonaws.com')).toBe(true)
    expect(bypassesProxy('iam.amazonaws.com', 443, 'iam.amazonaws.com:8443')).toBe(false)
    expect(bypassesProxy('iam.amazonaws.com', 443, 'iam.amazonaws.com:443')).toBe(true)
    expect(bypassesProxy('notamazonaws.com', 443, 'amazonaws.com')).toBe(false)
    expect(bypassesProxy('10.0.0.1', 443, '10.0.0.1')).toBe(true)
  })

  it('sends HTTPS through HTTPS_PROXY (the SDK alone ignores it), directly otherwise', () => {
    const proxied = createHttpsAgent({ HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '.internal' })
    expect(proxied).toBeInstanceOf(HttpsProxyAgent)
    expect(String((proxied as HttpsProxyAgent<string>).proxy)).toBe('http://proxy.corp:3128/')
    expect(createHttpsAgent({ https_proxy: 'http://proxy.corp:3128' })).toBeInstanceOf(HttpsProxyAgent)
    const direct = createHttpsAgent({})
    expect(direct).toBeInstanceOf(HttpsAgent)
    expect(direct).not.toBeInstanceOf(HttpsProxyAgent)
  })

  it('tunnels through the proxy with CONNECT, and goes direct for NO_PROXY hosts', async () => {
    const tunnels: string[] = []
    const target = createServer((_req, res) => res.end('ok'))
    const proxy = createServer()
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '')
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
    })
    await Promise.all([new Promise<void>((r) => target.listen(0, '127.0.0.1', r)), new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))])
    const targetPort = (target.address() as AddressInfo).port
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    const fetchVia = (agent: HttpsAgent) =>
      new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port: targetPort, path: '/', agent }, (res) => {
          let body = ''
          res.on('data', (c: Buffer) => (body += c.toString()))
          res.on('end', () => resolve(body))
        }).on('error', reject)
      })
    try {
      expect(await fetchVia(createHttpsAgent({ HTTPS_PROXY: proxyUrl }))).toBe('ok')
      expect(tunnels).toEqual([`127.0.0.1:${targetPort}`])
      expect(await fetchVia(createHttpsAgent({ HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' }))).toBe('ok')
      expect(tunnels).toHaveLength(1)
    } finally {
      proxy.closeAllConnections()
      target.closeAllConnections()
      await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => target.close(r))])
    }
  })

  it('adds AWS_CA_BUNDLE to the trusted roots, and says clearly when it cannot be read', async () => {
    await withTempDir(async (dir) => {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n'
      const file = join(dir, 'corp-ca.pem')
      await writeFile(file, pem)
      const ca = createHttpsAgent({ AWS_CA_BUNDLE: file }).options.ca as string[]
      expect(ca).toContain(pem)
      expect(ca.length).toBeGreaterThan(10)
      expect(() => createHttpsAgent({ AWS_CA_BUNDLE: join(dir, 'missing.pem') })).toThrow(/AWS_CA_BUNDLE=.*cannot be read/)
    })
  })

  it('never prints a proxy password', () => {
    expect(describeNetwork({ HTTPS_PROXY: 'http://user:pa55@proxy.corp:3128', NO_PROXY: 'localhost' })).toEqual({
      proxy: 'http://****@proxy.corp:3128',
      noProxy: 'localhost',
    })
  })

  it('takes the region from --region, else the environment, else us-east-1', async () => {
    expect(await resolveRegion('eu-west-1', undefined, { AWS_REGION: 'us-west-2' })).toBe('eu-west-1')
    expect(await resolveRegion(undefined, undefined, { AWS_REGION: 'us-west-2' })).toBe('us-west-2')
    expect(await resolveRegion(undefined, undefined, { AWS_DEFAULT_REGION: 'ap-south-1' })).toBe('ap-south-1')
  })
})
