/**
 * Hostile input, item 4: bounded parsing and confined files. The alias budget and the realpath checks are
 * tested as mechanisms (error codes, counts), never by timing.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseTemplateText } from '../../src/scanners/iac/cfn/parse.js'
import { readAssembly } from '../../src/scanners/iac/cdk.js'
import { CLEAN_TEMPLATE, FLOW_TEMPLATE, aliasBomb, runCli, tempTree } from './helpers.js'

describe('hostile input: bounded parsing', () => {
  it('stops an alias bomb at the alias budget with a positioned problem', () => {
    const r = parseTemplateText(aliasBomb())
    expect(r.documents).toEqual([])
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'alias-budget', message: expect.stringMatching(/YAML alias/) })])
  })

  it('a template with an alias bomb is an input error (exit 2); a rules file with one is a config error', async () => {
    const dir = tempTree({ 'bomb.yaml': aliasBomb(), 'tagwarden.yaml': `version: 1\nx-${aliasBomb('').replace('Metadata:', 'bomb:')}` })
    const r = await runCli(['scan', '--iac', 'bomb.yaml', '--rules', join(dir, 'bomb-free.yaml')], { cwd: dir })
    expect(r.status).toBe(2)
    writeFileSync(join(dir, 'bomb-free.yaml'), 'version: 1\n')
    const t = await runCli(['scan', '--iac', 'bomb.yaml', '--rules', 'bomb-free.yaml', '--format', 'json'], { cwd: dir })
    expect(t.status).toBe(2)
    expect((JSON.parse(t.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code)).toEqual(['iac-yaml-alias-budget'])
    const rules = await runCli(['scan', '--iac', 'bomb-free.yaml'], { cwd: dir })
    expect(rules.status).toBe(2)
    expect(rules.stderr).toMatch(/tagwarden\.yaml:\d+:\d+: .*alias/i)
    expect(rules.stderr).not.toMatch(/internal error/)
  })

  it('a parameter default that refers to itself is an unknown, not a crash', async () => {
    const dir = tempTree({ 'self.yaml': "Parameters:\n  P:\n    Type: String\n    Default: !Ref P\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref P\n" })
    const r = await runCli(['scan', '--iac', 'self.yaml', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(0)
  })
})

describe('hostile input: confined files', () => {
  it('refuses CDK manifest paths outside the assembly folder and non-regular files, without reading them', async () => {
    const dir = tempTree({ 'secret.txt': 'SECRET-CONTENT: 1\n', 'cdk.out/ok.template.json': '{}' })
    writeFileSync(
      join(dir, 'cdk.out/manifest.json'),
      JSON.stringify({
        version: '36.0.0',
        artifacts: {
          A: { type: 'aws:cloudformation:stack', properties: { templateFile: '../secret.txt' } },
          B: { type: 'aws:cloudformation:stack', properties: { templateFile: '../../../../../../../../dev/zero' } },
          C: { type: 'cdk:cloud-assembly', properties: { directoryName: '..' } },
        },
      }),
    )
    const asm = await readAssembly(join(dir, 'cdk.out'))
    expect(asm.stacks).toEqual([])
    expect(asm.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/templateFile "\.\.\/secret\.txt" does not name a file inside the cloud assembly folder/),
      expect.stringMatching(/templateFile ".*dev\/zero" does not name a file inside/),
      expect.stringMatching(/directoryName "\.\." does not name a file inside/),
    ])
    const r = await runCli(['scan', '--iac', 'cdk.out', '--format', 'sarif'], { cwd: dir })
    expect(r.status).toBe(2)
    expect(r.stdout + r.stderr).not.toMatch(/SECRET-CONTENT/)
  })

  it('never follows a symlink out of the folder named on the command line (counted as skipped)', async () => {
    const dir = tempTree({ 'repo/ok.yaml': CLEAN_TEMPLATE, 'outside/evil.yaml': FLOW_TEMPLATE, 'repo/inner/t.yaml': CLEAN_TEMPLATE })
    symlinkSync(join(dir, 'outside'), join(dir, 'repo/link'))
    symlinkSync(join(dir, 'outside/evil.yaml'), join(dir, 'repo/evil-file.yaml'))
    symlinkSync(join(dir, 'repo/inner'), join(dir, 'repo/inner-link'))
    const r = await runCli(['scan', '--iac', 'repo', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout) as { summary: { inputs: { iac: Record<string, number> } } }
    expect(report.summary.inputs.iac).toMatchObject({ templates: 2, skippedSymlinks: 2 })
  })

  it('never reads a .tf file that links out of the repository (Terraform sources), and names it', async () => {
    const dir = tempTree({
      'repo/tf/main.tf': 'resource "aws_iam_role" "ok" {\n  name = "ok"\n  assume_role_policy = "{}"\n  tags = { team = "a" }\n}\n',
      'outside/secret.tf': 'resource "aws_iam_user" "leak" {\n  name = "SECRET-CONTENT"\n}\n',
    })
    symlinkSync(join(dir, 'outside/secret.tf'), join(dir, 'repo/tf/secret.tf'))
    const r = await runCli(['scan', '--iac', 'tf', '--format', 'json'], { cwd: join(dir, 'repo') })
    expect(r.stdout + r.stderr).not.toMatch(/SECRET-CONTENT|leak/)
    expect(r.stderr).toMatch(/secret\.tf: a symbolic link leading outside .*repo.*; not read/)
    expect(r.status).toBe(2)
  })

  it('a plan whose folder holds .tf files linked to /dev/zero and a FIFO, and a modules.json linked to /dev/zero, is scanned as without them', async () => {
    const plan = readFileSync(new URL('../../examples/iac/terraform/plan.json', import.meta.url), 'utf8')
    const clean = tempTree({ 'tf/plan.json': plan })
    const hostile = tempTree({ 'tf/plan.json': plan })
    symlinkSync('/dev/zero', join(hostile, 'tf/zero.tf'))
    execFileSync('mkfifo', [join(hostile, 'tf/fifo.tf')])
    mkdirSync(join(hostile, 'tf/.terraform/modules'), { recursive: true })
    symlinkSync('/dev/zero', join(hostile, 'tf/.terraform/modules/modules.json'))
    const run = async (dir: string): Promise<unknown> => {
      const r = await runCli(['scan', '--iac', 'tf/plan.json', '--format', 'json'], { cwd: dir })
      expect(r.status).toBe(1)
      return (JSON.parse(r.stdout) as { findings: Array<{ fingerprint: string }> }).findings.map((f) => f.fingerprint)
    }
    expect(await run(hostile)).toEqual(await run(clean))
  })

  it('counts a dangling symlink and a symlink loop as skipped, never silently', async () => {
    const dir = tempTree({ 'repo/ok.yaml': CLEAN_TEMPLATE })
    symlinkSync(join(dir, 'repo/gone.yaml'), join(dir, 'repo/dangling.yaml'))
    symlinkSync(join(dir, 'repo/loop-b'), join(dir, 'repo/loop-a'))
    symlinkSync(join(dir, 'repo/loop-a'), join(dir, 'repo/loop-b'))
    const r = await runCli(['scan', '--iac', 'repo', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout) as { summary: { inputs: { iac: Record<string, number> } } }
    expect(report.summary.inputs.iac).toMatchObject({ templates: 1, skippedSymlinks: 3 })
  })

  it('an over-limit file named on the command line is exit 2; in a walk it is a notEvaluated entry', async () => {
    const big = `Metadata:\n  Pad: "${'x'.repeat(5 * 1024 * 1024)}"\n`
    const dir = tempTree({ 'big/big.yaml': big, 'big/ok.yaml': CLEAN_TEMPLATE })
    mkdirSync(join(dir, 'empty'))
    const named = await runCli(['scan', '--iac', 'big/big.yaml'], { cwd: dir })
    expect(named.status).toBe(2)
    const walked = await runCli(['scan', '--iac', 'big', '--format', 'json'], { cwd: dir })
    const report = JSON.parse(walked.stdout) as { summary: { notEvaluated: Array<{ file: string }>; inputs: { iac: Record<string, number> } } }
    expect(report.summary.inputs.iac).toMatchObject({ skippedTooLarge: 1, templates: 1 })
    expect(report.summary.notEvaluated.map((n) => n.file)).toEqual(['big/big.yaml'])
    expect(walked.status).toBe(0)
  })
})

describe('hostile input: --strict', () => {
  it('turns a notEvaluated entry into exit 2; without it the entry is listed and the exit code unchanged', async () => {
    const dir = tempTree({ 'big/big.yaml': `Metadata:\n  Pad: "${'x'.repeat(5 * 1024 * 1024)}"\n`, 'big/ok.yaml': CLEAN_TEMPLATE })
    expect((await runCli(['scan', '--iac', 'big'], { cwd: dir })).status).toBe(0)
    const strict = await runCli(['scan', '--iac', 'big', '--strict'], { cwd: dir })
    expect(strict.status).toBe(2)
    expect(strict.stdout).toMatch(/Not evaluated \(1\)/)
  })
})
