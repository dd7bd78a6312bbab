/**
 * Fix hints in the language of the input: the YAML to add to a CloudFormation template, the CDK call for
 * a construct, the HCL for a Terraform resource. The rules produce CLI commands for live principals; for
 * an IaC principal the engine can replace `fix` with `iacFixHint(kind, origin, …)`.
 */
import { stringify } from 'yaml'
import type { IacFixKind } from '../../model/finding.js'
import { escapeControl } from '../../util/escape.js'
import type { IacOrigin } from './model.js'

/** Which rules get which kind is each rule's `meta.iacFix`. */
export type FixKind = IacFixKind

export interface FixInput {
  /** Tag keys to add or require (default `team`). */
  tagKeys?: string[]
  /** Tag value to suggest (default `<value>`). */
  tagValue?: string
  /** The provider (federation) or gateway role ARN the new trust statement admits. */
  principal?: { type: 'Federated' | 'AWS'; value: string }
}

/** The resource and its file, control characters shown escaped: a file name or logical ID with a line break
 * would otherwise start a line of the hint (and a workflow command on stdout). */
function where(o: IacOrigin): string {
  const at = o.file ? `${o.file}${o.line ? `:${o.line}` : ''}` : ''
  const id = o.constructPath ?? o.logicalId ?? o.address ?? ''
  return escapeControl([id, at ? `(${at})` : ''].filter(Boolean).join(' '))
}

function trustStatements(kind: FixKind, input: FixInput, keys: string[]): Array<Record<string, unknown>> {
  const principal = input.principal ?? { type: kind === 'federation-tag-session' ? 'Federated' : 'AWS', value: '<principal-arn>' }
  const p = { [principal.type]: principal.value }
  if (kind === 'federation-tag-session' || kind === 'gateway-session-tags') {
    const stmts: Array<Record<string, unknown>> = [
      {
        Sid: 'AllowSessionTags',
        Effect: 'Allow',
        Principal: p,
        Action: 'sts:TagSession',
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': keys },
          StringLike: Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, '?*'])),
        },
      },
    ]
    return stmts
  }
  return [
    {
      Sid: 'AllowSetSourceIdentity',
      Effect: 'Allow',
      Principal: p,
      Action: 'sts:SetSourceIdentity',
      Condition: { StringLike: { 'sts:SourceIdentity': '?*' } },
    },
  ]
}

function requireOnAssume(kind: FixKind, keys: string[]): Record<string, unknown> {
  const nulls: Record<string, string> = {}
  if (kind === 'gateway-source-identity') nulls['sts:SourceIdentity'] = 'false'
  else for (const k of keys) nulls[`aws:RequestTag/${k}`] = 'false'
  return { Null: nulls }
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces)
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n')
}

/** YAML with every string on one line (double-quoted with escapes, never a block scalar that data could end). */
function yaml(v: unknown): string {
  return stringify(v, { lineWidth: 0, blockQuote: false }).trimEnd()
}

/** HCL object syntax (as inside `jsonencode(...)`). */
function hcl(v: unknown, depth = 0): string {
  const pad = '  '.repeat(depth + 1)
  const end = '  '.repeat(depth)
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map((x) => hcl(x, depth)).join(', ')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
    const key = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k))
    return `{\n${entries.map(([k, x]) => `${pad}${key(k)} = ${hcl(x, depth + 1)}`).join('\n')}\n${end}}`
  }
  return JSON.stringify(v)
}

function constructVar(o: IacOrigin): string {
  const parts = (o.constructPath ?? '').split('/').filter((p) => p !== 'Resource' && p !== '')
  const last = parts[parts.length - 1] ?? 'role'
  return last.charAt(0).toLowerCase() + last.slice(1).replace(/[^A-Za-z0-9_$]/g, '')
}

/**
 * The snippet that fixes a finding of `kind` on the IaC principal described by `origin`. Its line breaks are
 * its own; what data is left unescaped on a line (CR, ESC, U+2028 in a value) is shown escaped.
 */
export function iacFixHint(kind: FixKind, origin: IacOrigin, input: FixInput = {}): string {
  return fixHint(kind, origin, input).split('\n').map(escapeControl).join('\n')
}

function fixHint(kind: FixKind, origin: IacOrigin, input: FixInput): string {
  const keys = input.tagKeys && input.tagKeys.length > 0 ? input.tagKeys : ['team']
  const value = input.tagValue ?? '<value>'
  const w = where(origin)
  if (kind === 'gateway-direct-invoke') {
    return origin.format === 'terraform'
      ? `Remove the Bedrock permissions from ${w} (its policies, policy attachments and managed_policy_arns); grant it only sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity on the per-user Bedrock role.`
      : `Remove the Bedrock permissions from ${w} (Policies, ManagedPolicyArns and policies attached to it); grant it only sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity on the per-user Bedrock role.`
  }
  if (kind === 'add-tag') {
    if (origin.format === 'terraform') {
      const body = keys.map((k) => `    ${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)} = ${JSON.stringify(value)}`).join('\n')
      return origin.tagsAt
        ? `Add to the tags of ${w}:\n${body}`
        : `Add to ${w}:\n  tags = {\n${body}\n  }\n(or set it for every resource in the provider's default_tags)`
    }
    if (origin.resourceType.startsWith('AWS::Serverless::')) {
      // SAM: Tags is a map on the function (or state machine), and SAM copies it to the role it generates.
      const sam = yaml(Object.fromEntries(keys.map((k) => [k, value])))
      const id = origin.logicalId !== undefined ? escapeControl(origin.logicalId) : undefined
      const owner = `${id?.replace(/Role$/, '') ?? w} (${origin.resourceType}, whose generated role is ${id ?? 'generated'})`
      return origin.tagsAt ? `Add to Tags of ${owner}:\n${indent(sam, 8)}` : `Add under Properties of ${owner}:\n${indent(`Tags:\n${indent(sam, 2)}`, 6)}`
    }
    if (origin.format === 'cdk' && origin.constructPath) {
      return `In the CDK app, tag the construct ${escapeControl(origin.constructPath.replace(/\/Resource$/, ''))}:\n${keys.map((k) => `cdk.Tags.of(${constructVar(origin)}).add(${JSON.stringify(k)}, ${JSON.stringify(value)})`).join('\n')}`
    }
    const entries = yaml(keys.map((k) => ({ Key: k, Value: value })))
    return origin.tagsAt
      ? `Add to Tags of ${w}:\n${indent(entries, 8)}`
      : `Add under Properties of ${w}:\n${indent(`Tags:\n${indent(entries, 2)}`, 6)}`
  }
  const statements = trustStatements(kind, input, keys)
  const assume = kind === 'federation-tag-session' ? undefined : requireOnAssume(kind, keys)
  if (origin.format === 'terraform') {
    const stmts = statements.map((s) => hcl(s, 2)).join(',\n    ')
    return (
      `Add to the Statement list of assume_role_policy in ${w}:\n    ${stmts},` +
      (assume ? `\nand to the Condition of each statement that lets the gateway sts:AssumeRole:\n${indent(hcl(assume, 0).slice(2, -2), 2)}` : '')
    )
  }
  if (origin.format === 'cdk') {
    const v = constructVar(origin)
    const ts = statements.map(
      (s) =>
        `${v}.assumeRolePolicy?.addStatements(new iam.PolicyStatement({\n  actions: [${JSON.stringify(s.Action)}],\n  principals: [new iam.${(s.Principal as Record<string, string>).Federated ? `FederatedPrincipal(${JSON.stringify(input.principal?.value ?? '<provider-arn>')}, {}, 'sts:TagSession')` : `ArnPrincipal(${JSON.stringify(input.principal?.value ?? '<gateway-role-arn>')})`}],\n  conditions: ${JSON.stringify(s.Condition)},\n}))`,
    )
    return `In the CDK app, on ${origin.constructPath !== undefined ? escapeControl(origin.constructPath.replace(/\/Resource$/, '')) : w}:\n${ts.join('\n')}` + (assume ? `\nand require on the gateway's AssumeRole statement: ${JSON.stringify(assume)}` : '')
  }
  const stmtYaml = yaml(statements)
  return (
    `Add to AssumeRolePolicyDocument.Statement of ${w}:\n${indent(stmtYaml, 10)}` +
    (assume ? `\nand to the Condition of each statement that lets the gateway sts:AssumeRole:\n${indent(yaml(assume), 14)}` : '')
  )
}
