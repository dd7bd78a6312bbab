/**
 * The HTML reports in a real browser: playwright-core drives Debian's `chromium` (no browser download),
 * launched once for both pages. The demo's scan report and spend report load with no console error and
 * no network request, their headlines equal the JSON ledger, and the scan report's filters work; the
 * screenshots go to a temporary folder. Without Chromium the test is
 * skipped with a message, unless TAGWARDEN_REQUIRE_BROWSER=1 (set by .ci/run, which installs chromium).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runConfiguredScan } from '../../src/cli/scan-command.js'
import { runSpendCommand } from '../../src/cli/spend-command.js'
import type { Ledger } from '../../src/model/ledger.js'
import { formatHtml } from '../../src/report/html.js'
import { reportRules } from '../../src/report/report-rule.js'

const REPO = join(import.meta.dirname, '..', '..')
const CANDIDATES = [process.env.TAGWARDEN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((x): x is string => !!x)
const chromium = CANDIDATES.find((p) => existsSync(p))
const required = process.env.TAGWARDEN_REQUIRE_BROWSER === '1'
if (!chromium && !required) console.warn(`\n[html.browser.test] SKIPPED: no Chromium found (${CANDIDATES.join(', ')}); install Debian's chromium or set TAGWARDEN_CHROMIUM to run the browser test.\n`)

describe('the HTML report in Chromium', () => {
  it.runIf(required && !chromium)('needs Chromium when TAGWARDEN_REQUIRE_BROWSER=1', () => {
    expect(chromium, `TAGWARDEN_REQUIRE_BROWSER=1 but no Chromium at ${CANDIDATES.join(', ')}`).toBeDefined()
  })

  const dir = mkdtempSync(join(tmpdir(), 'tagwarden-html-'))
  let browser: Browser | undefined
  beforeAll(async () => {
    if (!chromium) return
    const { chromium: pw } = await import('playwright-core')
    browser = await pw.launch({
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A new page with the file loaded, and what it logged and requested. */
  async function open(file: string): Promise<{ page: Page; url: string; problems: string[]; requests: string[] }> {
    const page = await browser!.newPage()
    const problems: string[] = []
    const requests: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
    page.on('request', (r) => requests.push(r.url()))
    const url = pathToFileURL(file).href
    await page.goto(url)
    return { page, url, problems, requests }
  }

  async function expectHeadline(page: Page, l: Ledger): Promise<void> {
    for (const k of ['total', 'attributed', 'unattributed', 'misattributed'] as const) {
      expect(Number(await page.getAttribute(`[data-ledger="${k}"]`, 'data-value')), k).toBe(l[k])
    }
    expect(await page.locator('[data-cause]').count()).toBe(l.byCause.length)
  }

  it.runIf(chromium !== undefined)('loads offline, shows the ledger of the JSON report, and filters the findings', async () => {
    const { report, config } = await runConfiguredScan({ inputs: ['examples/demo-org'], cur: 'examples/demo-org/cur/parquet', rules: 'examples/demo-org/tagwarden.yaml', now: '2026-08-21T00:00:00Z', cwd: REPO })
    // Hostile data: a finding message with markup must stay text.
    report.findings[0]!.message += ' <img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
    const file = join(dir, 'report.html')
    writeFileSync(file, formatHtml(report, reportRules(report, config.rules)))
    const { page, url, problems, requests } = await open(file)
    try {
      expect(problems).toEqual([])
      expect(requests).toEqual([url])
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()

      await expectHeadline(page, report.ledger!)
      expect(await page.textContent('[data-ledger="unattributed"]')).toBe('USD 2,171.27')
      expect(await page.textContent('[data-ledger="attributable-share"]')).toBe('67.1%')

      const visible = () => page.locator('#findings tbody tr:not([hidden])')
      const active = report.findings.filter((f) => !f.suppressed)
      expect(await visible().count()).toBe(active.length)
      await page.selectOption('#f-severity', 'warning')
      expect(await visible().count()).toBe(active.filter((f) => f.severity === 'warning').length)
      for (const s of await visible().evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: Record<string, string> }).dataset.severity))) expect(s).toBe('warning')
      await page.selectOption('#f-severity', '')
      await page.selectOption('#f-rule', 'principal-missing-tag')
      await page.selectOption('#f-account', '333333333333')
      expect(await visible().count()).toBe(active.filter((f) => f.ruleId === 'principal-missing-tag' && f.subject.accountId === '333333333333').length)
      expect(await page.textContent('#f-count')).toBe('2')
      await page.selectOption('#f-rule', '')
      await page.selectOption('#f-account', '')
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true })
      expect(existsSync(join(dir, 'report.png'))).toBe(true)
      expect(problems).toEqual([])
      expect(requests).toEqual([url])
    } finally {
      await page.close()
    }
  })

  it.runIf(chromium !== undefined)('loads the spend report offline, its headline equal to the spend JSON ledger', async () => {
    const file = join(dir, 'spend.html')
    let json = ''
    const code = await runSpendCommand({
      inputs: ['examples/demo-org'],
      cur: 'examples/demo-org/cur/parquet',
      rules: 'examples/demo-org/tagwarden.yaml',
      now: '2026-08-21T00:00:00Z',
      format: 'json',
      htmlOutput: file,
      cwd: REPO,
      stdout: (s) => void (json += s),
      stderr: () => {},
    })
    expect(code).toBe(0)
    const ledger = (JSON.parse(json) as { ledger: Ledger }).ledger
    const { page, url, problems, requests } = await open(file)
    try {
      expect(problems).toEqual([])
      expect(requests).toEqual([url])
      await expectHeadline(page, ledger)
      expect(await page.textContent('[data-ledger="attributable-share"]')).toBe(`${((ledger.attributed / ledger.total) * 100).toFixed(1)}%`)
      // The top principals, as many rows as the JSON lists.
      expect(await page.locator('#principals tbody tr').count()).toBe(ledger.topPrincipals.length)
      await page.screenshot({ path: join(dir, 'spend.png'), fullPage: true })
      expect(existsSync(join(dir, 'spend.png'))).toBe(true)
      expect(problems).toEqual([])
      expect(requests).toEqual([url])
    } finally {
      await page.close()
    }
  })
})
