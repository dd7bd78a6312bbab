/**
 * `spend --format html` without a browser: every string from the data escaped (tag values, principal
 * ARNs, tag keys, notes, errors and unknown cause IDs are hostile input), nothing fetched, and the page
 * without a ledger or without Cost Explorer data saying why. The browser test loads the real page.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runSpendCommand, type SpendCommandInput } from '../../src/cli/spend-command.js'
import type { LedgerCause } from '../../src/model/ledger.js'
import { formatSpendHtml } from '../../src/report/spend-html.js'
import type { SpendReport } from '../../src/report/spend-model.js'
import { DEMO, REPO_ROOT } from './helpers.js'

const EVIL = '<script>window.__pwned=1</script><img src=x onerror=alert(1)>"\'&'
const ESCAPED = '&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;'

async function spend(extra: Partial<SpendCommandInput>): Promise<{ code: number; out: string }> {
  let out = ''
  const code = await runSpendCommand({ inputs: [DEMO], rules: join(DEMO, 'tagwarden.yaml'), now: '2026-08-21T00:00:00Z', format: 'json', cwd: REPO_ROOT, stdout: (s) => void (out += s), stderr: () => {}, ...extra })
  return { code, out }
}

let withLedger: SpendReport
beforeAll(async () => {
  withLedger = JSON.parse((await spend({ cur: join(DEMO, 'cur/parquet') })).out) as SpendReport
})

describe('spend --format html', () => {
  it('escapes every string from the data', () => {
    const r = structuredClone(withLedger)
    const l = r.ledger!
    l.topPrincipals[0]!.arn = `arn:aws:iam::111111111111:role/${EVIL}`
    l.teams[0]!.value = EVIL
    l.tagKeys = [EVIL, ...l.tagKeys]
    l.teams.push({ ...l.teams[0]!, tagKey: EVIL, byModel: { [EVIL]: 1 }, byAccount: { [EVIL]: 1 } })
    l.notes.push(EVIL)
    // Consumers accept unknown cause IDs: shown as they are, escaped.
    l.byCause[0]!.cause = EVIL as LedgerCause
    r.keys[0]!.values[0]!.value = EVIL
    r.keys[0]!.accounts[0]!.name = EVIL
    r.spend!.notes.push(EVIL)
    r.errors.push({ source: 'cur', code: EVIL, message: EVIL, hint: EVIL })
    const html = formatSpendHtml(r, { title: EVIL })
    expect(html).not.toContain('<script>window')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toMatch(/onerror=alert\(1\)>/)
    // Title, tag value, principal, team key, model, account name, notes, error code/message/hint, cause.
    expect(html.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(12)
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/)
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!github\.com\/tagwarden)/)
    // The page's own script: none (nothing to filter in a spend report).
    expect(html).not.toContain('<script>')
  })

  it('carries the ledger headline as the JSON has it, and the owning rules linked to their docs', () => {
    const html = formatSpendHtml(withLedger)
    const l = withLedger.ledger!
    for (const k of ['total', 'attributed', 'unattributed', 'misattributed'] as const) expect(html).toContain(`data-ledger="${k}" data-value="${l[k]}"`)
    expect(html).toContain('USD 2,171.27')
    expect(html).toMatch(/<a href="https:\/\/github\.com\/tagwarden\/tagwarden\/[^"]*principal-missing-tag\.md"><code>principal-missing-tag<\/code><\/a>/)
    expect(html).toContain('id="principals"')
  })

  it('says why there is no ledger, and shows the Cost Explorer view; the CLI writes it to stdout or --html-output', async () => {
    const { code, out } = await spend({ format: 'html' })
    expect(code).toBe(0)
    expect(out).toMatch(/^<!doctype html>/)
    expect(out).toContain('No spend ledger: the ledger needs per-principal spend')
    expect(out).toContain('data-ledger="ce-total"')
    expect(out).toContain('not an allowed value')
    expect(out).not.toContain('data-ledger="attributed"')
  })

  it('says spend was not checked when there is nothing to show', () => {
    const r: SpendReport = { ...structuredClone(withLedger), spend: undefined, ledger: undefined, keys: [], coverage: { ...withLedger.coverage, reason: `no Cost Explorer output ${EVIL}` } } as unknown as SpendReport
    delete (r as Partial<SpendReport>).spend
    delete (r as Partial<SpendReport>).ledger
    const html = formatSpendHtml(r)
    expect(html).toContain(`Spend not checked: no Cost Explorer output ${ESCAPED}`)
  })
})
