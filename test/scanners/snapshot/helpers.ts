import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/snapshots')

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts)
}

/** A throw-away folder tree: `{ 'a/b.json': object | raw text | bytes }`. */
export async function makeTree(files: Record<string, unknown>): Promise<{ root: string; path: (p: string) => string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'tagwarden-snapshot-'))
  for (const [rel, content] of Object.entries(files)) {
    const full = join(root, rel)
    await mkdir(dirname(full), { recursive: true })
    const data = typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content, null, 2)
    await writeFile(full, data)
  }
  return { root, path: (p) => join(root, p), cleanup: () => rm(root, { recursive: true, force: true }) }
}

/** A minimal get-account-authorization-details page with one role per name. */
export function authDetails(accountId: string, roleNames: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: roleNames.map((name, i) => ({
      Path: '/',
      RoleName: name,
      RoleId: `AROA${accountId}${i}`,
      Arn: `arn:aws:iam::${accountId}:role/${name}`,
      CreateDate: '2025-01-01T00:00:00Z',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [],
      Tags: [],
      RoleLastUsed: {},
    })),
    Policies: [],
    ...extra,
  }
}

/** list-service-specific-credentials output with one Bedrock key and no ServiceUserName (so no account in it). */
export function bedrockKeys(userName = 'key-user', id = 'ACCAEXAMPLEBEDROCK0001'): Record<string, unknown> {
  return {
    ServiceSpecificCredentials: [
      {
        UserName: userName,
        Status: 'Active',
        ServiceCredentialAlias: `${userName}+1-20260101`,
        CreateDate: '2026-01-01T00:00:00+00:00',
        ServiceSpecificCredentialId: id,
        ServiceName: 'bedrock.amazonaws.com',
      },
    ],
  }
}
