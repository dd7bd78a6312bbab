/** Help and usage errors of the built CLI. */
import { beforeAll, describe, expect, it } from 'vitest'
import { STACK_FRAME, ensureBuilt, runCli } from './run-cli.js'

beforeAll(() => {
  ensureBuilt()
})

describe.concurrent('tagwarden --help', () => {
  it('describes the tool and lists the scan command', async () => {
    const r = await runCli(['--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/Bedrock cost attribution/)
    expect(r.stdout).toMatch(/^COMMANDS$/m)
    expect(r.stdout).toMatch(/^\s+scan\s+Audit IAM principals for Bedrock cost attribution\.$/m)
    expect(r.stderr).toBe('')
  })

  it('scan --help shows the flags, the exit codes and worked examples', async () => {
    const r = await runCli(['scan', '--help'])
    expect(r.status).toBe(0)
    for (const flag of ['--input', '--format', '--output', '--fail-on', '--rules', '--now', '--[no-]color']) expect(r.stdout).toContain(flag)
    expect(r.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 /s)
    const examples = r.stdout.slice(r.stdout.search(/^EXAMPLES$/m))
    expect(examples).toContain('$ tagwarden scan --input examples/demo-org')
    expect(examples.match(/\$ tagwarden /g)?.length ?? 0).toBeGreaterThanOrEqual(2)
  })
})

describe.concurrent('usage errors', () => {
  it('exit 2 on an unknown flag, in one line with a hint and no stack trace', async () => {
    const r = await runCli(['scan', '--input', 'examples/demo-org', '--bogus'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: Nonexistent flag: --bogus$/m)
    expect(r.stderr).toMatch(/^\s+hint: /m)
    expect(r.stderr).not.toMatch(STACK_FRAME)
    expect(r.stdout).toBe('')
  })

  it('exit 2 on a value outside a flag’s options', async () => {
    const r = await runCli(['scan', '--input', 'examples/demo-org', '--fail-on', 'sometimes'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: .*sometimes/m)
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })

  it('exit 2 on an unknown command', async () => {
    const r = await runCli(['scna'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: .*scna/m)
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })

  it('with no offline input scans live AWS, and without credentials says so once: exit 2, no stack trace', async () => {
    const r = await runCli(['scan'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: no AWS credentials found/m)
    expect(r.stderr).toMatch(/^\s+hint: configure AWS credentials/m)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(r.stdout).toBe('')
  })
})
