/**
 * Escaping of untrusted text — names, tag values, file names, rules-file keys: anything taken from input —
 * for every output channel (docs/security.md). Pull-request content is hostile input: a role name with a
 * CR/LF could start a GitHub Actions workflow command (`::error …`, `::add-mask::`, `::stop-commands::`) on
 * stdout or stderr, an ESC could move a terminal's cursor, a backtick run could end a Markdown code span and
 * let a tag value emit raw HTML, and a value pasted into a fix command could run in a shell.
 */

/** C0 controls, DEL, C1 controls, line/paragraph separators, and the bidirectional overrides and isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex -- as above
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeOne(ch: string): string {
  const named = NAMED[ch]
  if (named !== undefined) return named
  const code = ch.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Control characters inside data shown escaped (`\n`, `\r`, `\t`, `\x1b`, `\u202e`), so no output line can
 * begin a workflow command and nothing moves the cursor. Everything else, backslashes included, is kept.
 */
export function escapeControl(s: string): string {
  return HAS_CONTROL.test(s) ? s.replace(CONTROL, escapeOne) : s
}

/** True when the text holds a character `escapeControl` would escape. */
export function hasControl(s: string): boolean {
  return HAS_CONTROL.test(s)
}

/**
 * Text for HTML element content and double-quoted attribute values. Line breaks become character references
 * (rendered the same), so an HTML report written to stdout has no line that data begins: the Actions runner
 * reads workflow commands there and ends a line at CR or LF. NEL and U+2028/U+2029, which some readers take as
 * line breaks, likewise.
 */
export function escapeHtml(s: string): string {
  // Control characters other than tab and line breaks are not allowed in HTML text: replaced.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"'\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/g, (c) => {
    switch (c) {
      case '\n':
      case '\r':
      case '\u0085':
      case '\u2028':
      case '\u2029':
        return `&#x${c.charCodeAt(0).toString(16)};`
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '"':
        return '&quot;'
      case "'":
        return '&#39;'
      default:
        return `&#xfffd;`
    }
  })
}

/** Markdown text outside code spans: inline syntax, backticks and HTML escaped, controls shown escaped. */
function mdPlain(s: string): string {
  return escapeControl(s)
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * A CommonMark code span holding any text: the fence is one backtick longer than the longest backtick run
 * inside, and a space pads content that starts or ends with a backtick (CommonMark strips one such space on
 * each side). Line breaks become spaces; other control characters are shown escaped.
 */
export function mdCode(s: string): string {
  const one = escapeControl(s.replace(/\s*\r?\n\s*/g, ' '))
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((m) => m.length))
  const fence = '`'.repeat(longest + 1)
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${one}${pad}${fence}`
}

/**
 * Markdown for a message that marks code with backticks (`` `team` = `x` ``). Code spans are found the way
 * CommonMark finds them — a run of n backticks is closed only by the next run of exactly n — and kept;
 * everything else is plain text with Markdown syntax and HTML escaped, and a backtick run that closes nothing
 * is escaped. So whatever a tag value holds, the result has no raw HTML and no span that CommonMark would
 * read differently.
 */
export function mdInline(s: string): string {
  const runs: Array<{ at: number; len: number }> = []
  for (const m of s.matchAll(/`+/g)) runs.push({ at: m.index, len: m[0].length })
  let out = ''
  let pos = 0
  let i = 0
  while (i < runs.length) {
    const open = runs[i]!
    let j = i + 1
    while (j < runs.length && runs[j]!.len !== open.len) j++
    if (j >= runs.length) {
      i++
      continue
    }
    const close = runs[j]!
    out += mdPlain(s.slice(pos, open.at))
    out += escapeControl(s.slice(open.at, close.at + close.len).replace(/\r?\n/g, ' '))
    pos = close.at + close.len
    i = j + 1
  }
  return out + mdPlain(s.slice(pos))
}

/**
 * A word for a POSIX shell: bare when it holds only safe characters, else single-quoted; text with control
 * characters is written in ANSI-C quoting (`$'a\nb'`, bash and zsh) so the command stays on one line.
 */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s
  if (hasControl(s)) return `$'${escapeControl(s.replace(/\\/g, '\\\\')).replace(/'/g, "\\'")}'`
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * The `--tags` argument of `aws iam tag-role`/`tag-user`: the shorthand `Key=k,Value=v` when both are plain,
 * else the JSON form (the shorthand has its own quoting rules for `,` `=` and quotes), shell-quoted.
 */
export function awsTagsArg(key: string, value: string): string {
  const plain = /^[A-Za-z0-9_@+:./-]*$/
  // `<value>` is the placeholder a fix shows when it does not know the value: the reader replaces it.
  if (key !== '' && plain.test(key) && (plain.test(value) || value === '<value>')) return `Key=${key},Value=${value}`
  return shellQuote(JSON.stringify([{ Key: key, Value: value }]))
}
