import { describe, expect, it } from 'vitest'
import { HCL_LIMITS, HclError, parseHcl } from '../../src/scanners/iac/terraform/source/hcl.js'
import { Budget, EvalError, EvalLimitError, Evaluator } from '../../src/scanners/iac/terraform/source/eval.js'
import { Unknown, displayValue, type Value } from '../../src/scanners/iac/values.js'

/** Evaluate the locals of a text with `var.*` unknown. */
function locals(text: string): Record<string, unknown> {
  const f = parseHcl(text)
  const block = f.body.blocks.find((b) => b.type === 'locals')
  const out: Record<string, unknown> = {}
  const values = new Map<string, Value>()
  const ev = new Evaluator(
    {
      resolve: (steps) => {
        const [root, second] = steps.map((s) => ('name' in s ? s.name : undefined))
        if (root === 'local' && second !== undefined && values.has(second)) return { value: values.get(second) as Value, used: 2 }
        if (root === 'var' && second !== undefined) return { value: new Unknown(`var.${second}`), used: 2 }
        return undefined
      },
    },
    new Budget(),
  )
  for (const a of block?.body.attrs.values() ?? []) {
    const v = ev.eval(a.expr)
    values.set(a.name, v)
    out[a.name] = displayValue(v)
  }
  return out
}

function parseError(text: string): string {
  try {
    parseHcl(text)
  } catch (e) {
    if (e instanceof HclError) return `${e.pos.line}:${e.pos.column} ${e.message}`
    throw e
  }
  return 'parsed'
}

describe('HCL native syntax parser', () => {
  it('reads blocks with labels, attributes and their positions', () => {
    const f = parseHcl('# c\nresource "aws_iam_role" "r" {\n  name = "x"\n  tags = { team = "a" }\n  inline_policy {\n    name = "p"\n  }\n}\nblock one { a = 1 }\n')
    const [r, b] = f.body.blocks
    expect(r).toMatchObject({ type: 'resource', labels: ['aws_iam_role', 'r'], pos: { line: 2, column: 1 } })
    expect(r?.body.attrs.get('tags')?.pos).toEqual({ line: 4, column: 3 })
    expect(r?.body.blocks[0]).toMatchObject({ type: 'inline_policy', pos: { line: 5, column: 3 } })
    expect(b).toMatchObject({ type: 'block', labels: ['one'] })
    expect(f.comments[0]).toMatchObject({ text: '# c', pos: { line: 1, column: 1 } })
  })

  it('evaluates templates: escapes, interpolation, directives and strip markers', () => {
    expect(
      locals(`locals {
  list = ["a", "b"]
  esc  = "$\${x} %%{y} \\u00e9 \\"q\\" \\\\"
  tmpl = "<%{ for i, t in local.list }\${i}=\${t},%{ endfor }%{ if length(local.list) > 1 }many%{ else }one%{ endif }>"
  strip = "x %{~ if true ~} y %{~ endif ~} z"
  unwrap = "\${local.list}"
  piece = "arn:\${var.partition}:s3:::b"
}
`),
    ).toEqual({
      list: ['a', 'b'],
      esc: '${x} %{y} é "q" \\',
      tmpl: '<0=a,1=b,many>',
      strip: 'xyz',
      unwrap: ['a', 'b'],
      piece: 'arn:${var.partition}:s3:::b',
    })
  })

  it('evaluates heredocs, with `<<-` removing the common indentation', () => {
    expect(
      locals(`locals {
  name = "bob"
  plain = <<EOT
  Hello \${local.name}
%{ for x in [1, 2] }line \${x}
%{ endfor ~}
EOT
  flush = <<-EOT
    {
      "Version": "2012-10-17"
    }
    EOT
}
`),
    ).toEqual({ name: 'bob', plain: '  Hello bob\nline 1\nline 2\n', flush: '{\n  "Version": "2012-10-17"\n}\n' })
  })

  it('evaluates for expressions, splats, operators, conditionals and functions', () => {
    expect(
      locals(`locals {
  teams = { ads = "ads", search = "search" }
  up    = [for k, v in local.teams : upper(v) if k != "ads"]
  grp   = { for k, v in local.teams : v => k... }
  objs  = [{ n = 1 }, { n = 2 }]
  splat = local.objs[*].n
  old   = local.objs.*.n
  first = local.objs.0.n
  prec  = 1 + 2 * 3 > 6 && !false ? "a" : "b"
  enc   = jsonencode(merge(local.teams, { extra = try(local.teams.nope, "dflt") }))
  cat   = concat(["x"], local.up)
  look  = lookup(local.teams, "zzz", "none")
  unk   = var.x == "a" ? "y" : "y"
  unk2  = var.x == "a" ? "y" : "n"
  isnull = var.x != null
}
`),
    ).toEqual({
      teams: { ads: 'ads', search: 'search' },
      up: ['SEARCH'],
      grp: { ads: ['ads'], search: ['search'] },
      objs: [{ n: 1 }, { n: 2 }],
      splat: [1, 2],
      old: [1, 2],
      first: 1,
      prec: 'a',
      enc: '{"ads":"ads","extra":"dflt","search":"search"}',
      cat: ['x', 'SEARCH'],
      look: 'none',
      unk: 'y',
      unk2: '${var.x == "a" ? … : …}',
      isnull: '${var.x != null}',
    })
  })

  it('reports syntax errors with line and column', () => {
    expect(parseError('resource "a" "b" {\n  tags = { team = }\n}\n')).toBe('2:19 expected an expression, found `}`')
    expect(parseError('x = "abc\n')).toMatch(/^1:5 unterminated string/)
    expect(parseError('a {\n  b = 1\n')).toMatch(/^3:1 the file ends inside a block/)
    expect(parseError('a = 1 b = 2\n')).toMatch(/^1:7 expected a newline/)
    expect(parseError('a = "${x"\n')).toMatch(/^1:\d+ expected `}` to close the interpolation/)
  })

  it('ends hostile input with a clear error, not a crash or a hang', () => {
    expect(parseError(`x = ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`)).toMatch(/nested deeper than 100 levels/)
    expect(parseError(`x = ${'{a='.repeat(5_000)}1${'}'.repeat(5_000)}\n`)).toMatch(/nested deeper than 100 levels/)
    expect(parseError(`x = <<EOT\n${'a\n'.repeat(100_000)}`)).toBe('1:5 unterminated heredoc: no line `EOT` closes the `<<EOT` opened here')
    expect(parseError('x = "'.padEnd(HCL_LIMITS.maxChars + 1, 'a'))).toMatch(/tagwarden reads at most/)
  })

  it('bounds evaluation: string doubling chains stop with a limit error', () => {
    const text = `locals {\n${Array.from({ length: 40 }, (_, i) => `  l${i} = "\${local.l${i + 1}}\${local.l${i + 1}}"`).join('\n')}\n  l40 = "xxxxxxxx"\n}\n`
    const f = parseHcl(text)
    const attrs = [...(f.body.blocks[0]?.body.attrs.values() ?? [])].reverse()
    const values = new Map<string, Value>()
    const ev = new Evaluator({ resolve: (steps) => ('name' in (steps[1] ?? {}) ? { value: values.get((steps[1] as { name: string }).name) ?? null, used: 2 } : undefined) }, new Budget())
    expect(() => {
      for (const a of attrs) values.set(a.name, ev.eval(a.expr))
    }).toThrow(EvalLimitError)
    expect(new EvalLimitError('x', { line: 1, column: 1 })).toBeInstanceOf(EvalError)
  })
})
