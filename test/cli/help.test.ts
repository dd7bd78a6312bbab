/** Usage errors, in-process (mistyped commands and flags, help: dispatch.test.ts). */
import { describe, expect, it } from 'vitest'
import { STACK_FRAME, runCli } from './run-cli.js'

describe.concurrent('usage errors', () => {
  it('exit 2 on an unknown flag, in one line with a hint and no stack trace', async () => {
    const r = await runCli(['scan', '--input', 'examples/demo-org', '--bogus'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: tagwarden scan has no flag --bogus$/m)
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

  it('with no offline input scans live AWS, and without credentials says so once: exit 2, no stack trace', async () => {
    const r = await runCli(['scan'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: no AWS credentials found/m)
    expect(r.stderr).toMatch(/^\s+hint: configure AWS credentials/m)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(r.stdout).toBe('')
  })
})
