/**
 * Hostile input, items 6 and 7: untrusted text is escaped on every channel, and errors are always on stderr.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { awsTagsArg, escapeControl, mdCode, mdInline, shellQuote } from '../../src/util/escape.js'
import { tagCli } from '../../src/rules/tag-helpers.js'
import { runCli, tempTree } from './helpers.js'

const EVIL_NAME = 'evil\r\n::error file=x::pwned\u001b[31m'
const TEMPLATE = `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ${JSON.stringify(EVIL_NAME)}
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}
      Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: 'bedrock:InvokeModel', Resource: '*'}]}}]
      Tags: [{Key: team, Value: "\`\`<img src=x onerror=alert(1)>\\u001b]8;;x\\u0007"}]
`
const RULES = 'version: 1\ntags:\n  required:\n    - key: team\n      allowedValues: [search]\n'

/** No line of the output starts a workflow command, and no raw control character other than LF is left. */
function assertInert(text: string, ownCommands = false): void {
  for (const line of text.split('\n')) {
    // The github format's own annotations are the only workflow commands, one per line.
    if (ownCommands && /^::(error|warning|notice) file=t\.yaml,[^:]*::Role evil%0D%0A::error file=x::pwned\\x1b\[31m has/.test(line)) continue
    expect(line.trimStart()).not.toMatch(/^(::|##\[)/)
  }
  // eslint-disable-next-line no-control-regex -- looking for raw control characters
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
}

describe('hostile input: escaping', () => {
  it('shows control characters escaped', () => {
    expect(escapeControl('a\r\nb\u001b[2J\u0085\u202e')).toBe('a\\r\\nb\\x1b[2J\\x85\\u202e')
    expect(escapeControl('plain')).toBe('plain')
  })

  it('reads Markdown code spans as CommonMark does: a run closes only a run of the same length', () => {
    const out = mdInline('has `team` = ```<img src=x>` and `<b>`')
    expect(out).not.toMatch(/<img|<b>/)
    expect(mdInline('`team` = `search`')).toBe('`team` = `search`')
    expect(mdCode('a``b')).toBe('```a``b```')
    expect(mdCode('`x')).toBe('`` `x ``')
  })

  it('shell-quotes every value in fix commands', () => {
    expect(shellQuote('role-a')).toBe('role-a')
    expect(shellQuote("x'; rm -rf / #")).toBe(`'x'\\''; rm -rf / #'`)
    expect(shellQuote('a\nb')).toBe("$'a\\nb'")
    expect(awsTagsArg('team', 'search')).toBe('Key=team,Value=search')
    expect(awsTagsArg('team', 'a,b $(id)')).toBe(`'[{"Key":"team","Value":"a,b $(id)"}]'`)
    expect(tagCli({ kind: 'role', name: 'r;id' }, 'team', 'x')).toBe("aws iam tag-role --role-name 'r;id' --tags Key=team,Value=x")
  })

  it('a hostile role name and tag value stay inert in text, stderr, Markdown, GitHub, JUnit, SARIF, JSON and HTML output', async () => {
    const dir = tempTree({ 't.yaml': TEMPLATE, 'tagwarden.yaml': RULES })
    for (const format of ['text', 'markdown', 'github', 'junit', 'sarif', 'json', 'html']) {
      const r = await runCli(['scan', '--iac', 't.yaml', '--format', format, '--verbose'], { cwd: dir })
      expect(r.status).toBe(1)
      assertInert(r.stdout, format === 'github')
      assertInert(r.stderr)
      if (format === 'markdown') expect(r.stdout).not.toMatch(/<img/)
    }
  })

  it('a file name with CR, LF, ESC, a workflow command and HTML stays inert in every format and on stderr', async () => {
    const name = 'd\u001b[2J/t\r\n::add-mask::x<img src=x>'
    const dir = tempTree({ [`${name}.yaml`]: TEMPLATE, [`${name}-broken.json`]: '{"Resources": {"R": {"Type": "AWS::IAM::Role"', 'tagwarden.yaml': RULES })
    for (const format of ['text', 'markdown', 'github', 'junit', 'sarif', 'json', 'html']) {
      const r = await runCli(['scan', '--iac', '.', '--format', format, '--verbose'], { cwd: dir })
      expect(r.status).toBe(2)
      for (const out of [r.stdout, r.stderr]) {
        for (const line of out.split('\n')) expect(line.trimStart()).not.toMatch(/^(::add-mask|::error file=x|##\[)/)
        // eslint-disable-next-line no-control-regex -- looking for raw control characters
        expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
      }
      // In Markdown only inside a code span (literal text there); the name holds no backtick to end one.
      if (format === 'markdown') expect(r.stdout.replace(/`[^`\n]*`/g, '')).not.toMatch(/<img/)
      if (format === 'html') expect(r.stdout).not.toMatch(/<img/)
    }
  })

  it('config errors echo rules-file keys escaped', async () => {
    const dir = tempTree({ 'tagwarden.yaml': 'version: 1\nrules:\n  "x\\n::add-mask::y": {}\n', 'ok.yaml': 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n' })
    const r = await runCli(['scan', '--iac', 'ok.yaml'], { cwd: dir })
    expect(r.status).toBe(2)
    assertInert(r.stderr)
    expect(r.stderr).toMatch(/x\\n::add-mask::y/)
  })
})

describe('hostile input: errors are visible', () => {
  it('with --output FILE, input errors still go to stderr, one line each with its hint', async () => {
    const dir = tempTree({ 'empty.yaml': '' })
    const r = await runCli(['scan', '--iac', 'empty.yaml', '--output', 'out.json', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: empty\.yaml is empty.* \[iac-not-scannable\] — hint: /m)
  })

  it('-o pointing at a folder is a clear usage error (exit 2), before anything is scanned', async () => {
    const dir = tempTree({ 'ok.yaml': 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n' })
    mkdirSync(join(dir, 'out'))
    for (const args of [['-o', 'out'], ['--sarif-output', 'out']]) {
      const r = await runCli(['scan', '--iac', 'ok.yaml', ...args], { cwd: dir })
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/output-is-directory|is a folder/)
      expect(r.stderr).not.toMatch(/internal error/)
    }
  })
})
