#!/usr/bin/env node
/**
 * Refreshes the README's screenshot of the HTML report (docs/img/html-report.png): builds, writes the
 * demo organization's HTML report (IAM snapshots + CUR 2.0, the demo's rules, a fixed date so the page is
 * the same on every run), renders it in Debian's Chromium through playwright-core, 1200 px wide, from the
 * top to the first rows of the findings table, and shrinks the PNG with pngquant/optipng when installed.
 *
 * A script, not a test (the browser test in test/report/html.browser.test.ts writes its screenshots to a
 * temporary folder). Run: `npm run screenshot`. Needs Chromium: `apt-get install chromium`, or
 * TAGWARDEN_CHROMIUM=/path/to/chrome. Nothing is downloaded.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(REPO, 'docs/img/html-report.png')
const WIDTH = 1200
/** Rows of the findings table below its heading that the picture shows. */
const FINDING_ROWS = 3

const candidates = [process.env.TAGWARDEN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean)
const chromium = candidates.find((p) => existsSync(p))
if (!chromium) {
  console.error(`refresh-screenshot: no Chromium at ${candidates.join(', ')}; install Debian's chromium (apt-get install chromium) or set TAGWARDEN_CHROMIUM`)
  process.exit(2)
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] })
run('npm', ['run', 'build', '--silent'])

const tmp = mkdtempSync(join(tmpdir(), 'tagwarden-screenshot-'))
try {
  const html = join(tmp, 'org.html')
  const demo = 'examples/demo-org'
  // The demo's organization audit (as `npm run demo` part 1), HTML only; --fail-on never: findings are the point.
  run(process.execPath, ['bin/run.js', 'scan', '--input', demo, '--cur', `${demo}/cur/parquet`, '--rules', `${demo}/tagwarden.yaml`, '--format', 'html', '--output', html, '--fail-on', 'never', '--now', '2026-08-21', '--quiet'])

  const { chromium: pw } = await import('playwright-core')
  const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] })
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 })
    const problems = []
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(pathToFileURL(html).href)
    if (problems.length > 0) throw new Error(`the page logged errors: ${problems.join('; ')}`)
    const rows = page.locator('#findings tbody tr')
    const last = await rows.nth(Math.min(FINDING_ROWS, await rows.count()) - 1).boundingBox()
    const height = Math.ceil((last?.y ?? 1600) + (last?.height ?? 0) + 16)
    mkdirSync(dirname(OUT), { recursive: true })
    await page.screenshot({ path: OUT, fullPage: true, clip: { x: 0, y: 0, width: WIDTH, height } })
  } finally {
    await browser.close()
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}

const before = statSync(OUT).size
// Lossy palette reduction (flat colours: no visible change), then lossless recompression; each only when installed.
const tools = []
if (spawnSync('pngquant', ['--version']).status === 0) {
  run('pngquant', ['--force', '--skip-if-larger', '--quality', '70-95', '--strip', '--output', OUT, OUT])
  tools.push('pngquant')
}
if (spawnSync('optipng', ['-v']).status === 0) {
  run('optipng', ['-quiet', '-o5', OUT])
  tools.push('optipng')
}
const after = statSync(OUT).size
console.log(`refresh-screenshot: wrote ${OUT.slice(REPO.length + 1)} (${WIDTH} px wide, ${Math.round(after / 1024)} KB${tools.length > 0 ? `; ${tools.join(' + ')} from ${Math.round(before / 1024)} KB` : '; install pngquant and optipng to shrink it'})`)
