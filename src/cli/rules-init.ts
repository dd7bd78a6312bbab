/**
 * `tagwarden init`: writes a commented starter rules file (`tagwarden.yaml`, with the `$schema` line).
 * On a terminal it asks for the required tag keys, their allowed values and the gateway role names;
 * without one (CI, pipes) or with `--yes` it asks nothing and writes the defaults.
 *
 * `--from-tag-policy FILE|aws` derives the required tags from an AWS Organizations tag policy instead:
 * the keys, their capitalisation (`tag_key`) and their allowed values (`tag_value`, `*` wildcards), so
 * the linter and the organization's tag policy cannot drift. `aws` reads it live: one account's
 * effective policy with `--account`, else every tag policy of the organization.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { readRegularTextSync } from '../util/read-file.js'
import { BUNDLED_RULES_PATH, DEFAULT_USER_RULES_FILE, loadRulesConfigFromFiles } from '../config/load.js'
import type { TagRequirement } from '../config/types.js'
import { RULE_META } from '../rules/index.js'
import { mergeTagPolicies, parseTagPolicy, tagPolicyDocumentsFromFile, TagPolicyError, type TagPolicyDocument } from '../tag-policy/parse.js'
import type { FetchTagPolicyOptions } from '../tag-policy/fetch.js'

/** Tag policies are a few KB (AWS Organizations caps a policy document far below this). */
const TAG_POLICY_MAX_BYTES = 1024 * 1024
import { DEFAULT_STARTER, renderStarterRulesFile, renderTagPolicyRulesFile, type StarterAnswers } from './rules-file-template.js'

/** Reads tag policies live; injectable so tests never touch AWS. */
export type TagPolicyFetcher = (opts: FetchTagPolicyOptions & { profile?: string | undefined; region?: string | undefined }) => Promise<TagPolicyDocument[]>

export interface InitInput {
  /** Where to write (default `tagwarden.yaml`); `-` for stdout. */
  output?: string | undefined
  force?: boolean | undefined
  /** Ask nothing even on a terminal. */
  yes?: boolean | undefined
  fromTagPolicy?: string | undefined
  /** `--from-tag-policy aws`: this account's effective tag policy. */
  account?: string | undefined
  policyIds?: string[] | undefined
  /** Only these tag keys of the policy (compared case-insensitively). */
  keys?: string[] | undefined
  profile?: string | undefined
  region?: string | undefined
  cwd?: string
  env?: NodeJS.ProcessEnv
  stdout?: (s: string) => void
  stderr?: (s: string) => void
  /** Whether stdin and stderr are a terminal (questions are asked only then). */
  interactive?: boolean
  /** Asks one question; resolves with the answer ('' for the default). */
  ask?: (question: string) => Promise<string>
  fetchTagPolicies?: TagPolicyFetcher
}

export const LIVE_TAG_POLICY = 'aws'

/** The bundled rules' gateway role-name pattern (rules.yaml settings.gateways.namePatterns). */
export const DEFAULT_GATEWAY_PATTERN = '*llm-gateway*'

function splitList(answer: string): string[] {
  return answer
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** Questions on the terminal: asked on stderr, so `--output -` keeps stdout for the file. */
async function terminalQuestions(): Promise<{ ask: (q: string) => Promise<string>; close: () => void }> {
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  return { ask: (q) => rl.question(q), close: () => rl.close() }
}

/** The questions of an interactive `init`; every answer may be left empty for the default. */
export async function askStarter(ask: (q: string) => Promise<string>): Promise<StarterAnswers> {
  const keys = splitList(await ask('Tag keys every Bedrock-capable principal must carry, comma-separated [team]: '))
  const requiredTags: TagRequirement[] = []
  for (const key of keys.length > 0 ? keys : ['team']) {
    const values = splitList(await ask(`Allowed values of \`${key}\`, comma-separated (empty: any value): `))
    requiredTags.push(values.length > 0 ? { key, allowedValues: values } : { key })
  }
  // The default pattern stays unless the answer removes it (`-*llm-gateway*`): adding a gateway's name must
  // not silently stop recognising the ones the default finds.
  const answer = splitList(await ask(`Role-name patterns of your LLM gateways, comma-separated; ${DEFAULT_GATEWAY_PATTERN} is kept unless you write -${DEFAULT_GATEWAY_PATTERN}: `))
  const removed = new Set(answer.filter((a) => a.startsWith('-')).map((a) => a.slice(1)))
  const added = answer.filter((a) => !a.startsWith('-'))
  if (added.length === 0 && removed.size === 0) return { requiredTags }
  const gateways = [...new Set([DEFAULT_GATEWAY_PATTERN, ...added])].filter((g) => !removed.has(g))
  return { requiredTags, gatewayNamePatterns: gateways }
}

async function liveFetcher(opts: Parameters<TagPolicyFetcher>[0], env: NodeJS.ProcessEnv): Promise<TagPolicyDocument[]> {
  // Loaded only for a live read: the SDK and the live scanner's client plumbing are heavy.
  const [{ ClientFactory }, { CallCounter }, { Redactor }, { defaultCredentials, resolveRegion }, { fetchTagPolicies }] = await Promise.all([
    import('../scanners/live/clients.js'),
    import('../scanners/live/calls.js'),
    import('../scanners/live/redact.js'),
    import('../scanners/live/session.js'),
    import('../tag-policy/fetch.js'),
  ])
  const redactor = new Redactor()
  const region = await resolveRegion(opts.region, opts.profile, env)
  const factory = new ClientFactory({ region, maxAttempts: 5, env, counter: new CallCounter(), redactor })
  try {
    const org = factory.organizations(defaultCredentials({ region, ...(opts.profile ? { profile: opts.profile } : {}) }, redactor), 'caller')
    return await fetchTagPolicies(org, { ...(opts.accountId ? { accountId: opts.accountId } : {}), ...(opts.policyIds ? { policyIds: opts.policyIds } : {}) })
  } catch (e) {
    if (e instanceof Error) e.message = redactor.redact(e.message)
    throw e
  } finally {
    factory.destroy()
  }
}

/** The rules file text for `--from-tag-policy`, plus the notes to print. */
export async function rulesFromTagPolicy(i: InitInput, command: string): Promise<{ text: string; warnings: string[]; summary: string }> {
  const cwd = i.cwd ?? process.cwd()
  const source = i.fromTagPolicy!
  let docs: TagPolicyDocument[]
  if (source === LIVE_TAG_POLICY) {
    const fetch = i.fetchTagPolicies ?? ((o) => liveFetcher(o, i.env ?? process.env))
    docs = await fetch({ ...(i.account ? { accountId: i.account } : {}), ...(i.policyIds?.length ? { policyIds: i.policyIds } : {}), profile: i.profile, region: i.region })
  } else {
    if (i.account !== undefined || (i.policyIds?.length ?? 0) > 0) throw new UsageError('live-flag-without-aws', '--account and --policy-id need `--from-tag-policy aws`', 'a tag policy file is used as it is')
    const path = resolve(cwd, source)
    if (!existsSync(path)) throw new UsageError('no-such-path', `--from-tag-policy ${source}: no such file`, `give the JSON of a tag policy, or \`${LIVE_TAG_POLICY}\` to read it from AWS Organizations`)
    let text: string
    try {
      // A tag policy is a few KB; regular files only, so a FIFO or a link to /dev/zero cannot hang `init`.
      text = readRegularTextSync(path, TAG_POLICY_MAX_BYTES)
    } catch (e) {
      throw new UsageError('tag-policy-unreadable', `--from-tag-policy ${source}: cannot read it: ${(e as Error).message}`, 'give the JSON of a tag policy (`aws organizations describe-effective-policy --policy-type TAG_POLICY`)')
    }
    docs = tagPolicyDocumentsFromFile(text, relative(cwd, path) || source)
  }
  const parsed = docs.map(parseTagPolicy)
  const merged = mergeTagPolicies(parsed)
  let keys = merged.keys
  if (i.keys && i.keys.length > 0) {
    const wanted = i.keys.map((k) => k.toLowerCase())
    for (const k of wanted) if (!keys.some((x) => x.tagKey.toLowerCase() === k)) throw new UsageError('unknown-tag-key', `--key ${k}: the tag policy has no such key`, `its keys: ${keys.map((x) => x.tagKey).join(', ')}`)
    keys = keys.filter((x) => wanted.includes(x.tagKey.toLowerCase()))
  }
  if (keys.length === 0) throw new TagPolicyError('tag-policy-empty', 'the tag policy defines no tag keys', 'add keys under "tags" in the tag policy')
  const warnings = [...merged.warnings]
  if (docs.length > 1 && !docs.every((d) => d.effective)) {
    warnings.push(`${docs.length} tag policies were merged; they may apply to different OUs, so values are united (use --account for one account's effective policy)`)
  }
  const text = renderTagPolicyRulesFile(keys, { command, sources: docs.map((d) => d.source), warnings })
  return { text, warnings, summary: `${keys.length} required tag${keys.length === 1 ? '' : 's'} from ${docs.length === 1 ? docs[0]!.source : `${docs.length} tag policies`}` }
}

/** Generated text must load as a rules file; anything else is a tagwarden bug, caught before writing. */
function assertLoads(text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'tagwarden-init-'))
  try {
    const file = join(dir, DEFAULT_USER_RULES_FILE)
    writeFileSync(file, text)
    loadRulesConfigFromFiles([BUNDLED_RULES_PATH, file], RULE_META)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runInit(i: InitInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  const cwd = i.cwd ?? process.cwd()
  const output = i.output ?? DEFAULT_USER_RULES_FILE
  const target = output === '-' ? undefined : resolve(cwd, output)
  if (target && existsSync(target) && !i.force) {
    throw new UsageError('file-exists', `${output} already exists; not overwriting it`, 'pass --force to replace it, or --output FILE to write elsewhere')
  }
  let text: string
  let summary: string
  if (i.fromTagPolicy !== undefined) {
    const command = ['tagwarden init --from-tag-policy', i.fromTagPolicy, ...(i.account ? ['--account', i.account] : []), ...(i.policyIds ?? []).flatMap((p) => ['--policy-id', p]), ...(i.keys ?? []).flatMap((k) => ['--key', k])].join(' ')
    const r = await rulesFromTagPolicy(i, command)
    for (const w of r.warnings) stderr(`tagwarden: warning: ${w}\n`)
    text = r.text
    summary = r.summary
  } else {
    let answers = DEFAULT_STARTER
    if (i.interactive && !i.yes) {
      const terminal = i.ask ? undefined : await terminalQuestions()
      try {
        answers = await askStarter(i.ask ?? terminal!.ask)
      } finally {
        terminal?.close()
      }
    }
    text = renderStarterRulesFile(answers)
    summary = `required tags: ${answers.requiredTags.map((t) => t.key).join(', ')}`
  }
  assertLoads(text)
  if (!target) {
    stdout(text)
    return 0
  }
  writeFileSync(target, text)
  const shown = relative(cwd, target) || output
  stderr(`tagwarden: wrote ${shown} (${summary}); check it with \`tagwarden rules validate ${shown}\`\n`)
  return 0
}
