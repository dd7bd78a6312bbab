/**
 * Keeps credentials out of every line tagwarden prints, including `--debug` output and AWS error messages:
 * secrets the scan handled are registered as they appear and scrubbed wherever they occur, and anything
 * shaped like an access key ID is masked.
 */

const ACCESS_KEY_RE = /\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g
const MASK = '****'

export class Redactor {
  private readonly secrets = new Set<string>()

  /** Remember a secret (secret access key, session token) so it is never printed. */
  add(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.length >= 8) this.secrets.add(v)
  }

  redact(text: string): string {
    let out = text
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK)
    // Access key IDs are not secret on their own, but they identify a credential: keep only the prefix.
    return out.replace(ACCESS_KEY_RE, (m, prefix: string) => (prefix === 'AKIA' || prefix === 'ASIA' ? `${prefix}${MASK}` : m))
  }
}
