import { readFileSync } from 'node:fs'

let cached: string | undefined

/** The package version, read once from package.json (works from src/ and dist/). */
export function toolVersion(): string {
  if (cached === undefined) {
    try {
      cached = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
    } catch {
      cached = '0.0.0'
    }
  }
  return cached
}
