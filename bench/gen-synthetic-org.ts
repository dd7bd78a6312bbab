/**
 * Write a synthetic organization as a snapshot folder:
 *
 *   npx tsx bench/gen-synthetic-org.ts --accounts 100 --principals 1000 --out /tmp/org [--seed 42] [--encoded] [--profile finding-heavy]
 *
 * `--encoded` writes policy documents URL-encoded, as the IAM API and SDKs return them (default: objects,
 * as the AWS CLI prints them). `--profile finding-heavy`: most roles Bedrock-capable, unused and
 * untagged. See bench/synthetic-org.ts for the mix.
 */
import { parseArgs } from 'node:util'
import { SYNTHETIC_PROFILES, writeSyntheticSnapshot, type SyntheticProfile } from './synthetic-org.js'

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '10' },
    principals: { type: 'string', default: '1000' },
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
    encoded: { type: 'boolean', default: false },
    profile: { type: 'string', default: 'default' },
  },
})
if (!values.out || !(SYNTHETIC_PROFILES as readonly string[]).includes(values.profile)) {
  process.stderr.write(`usage: tsx bench/gen-synthetic-org.ts --accounts N --principals M --out DIR [--seed S] [--encoded] [--profile ${SYNTHETIC_PROFILES.join('|')}]\n`)
  process.exit(2)
}
const started = performance.now()
const written = await writeSyntheticSnapshot(values.out, {
  accounts: Number(values.accounts),
  principals: Number(values.principals),
  seed: Number(values.seed),
  encodeDocuments: values.encoded,
  profile: values.profile as SyntheticProfile,
})
const mb = (written.bytes / 1e6).toFixed(1)
process.stdout.write(
  `${written.dir}: ${written.accounts} accounts, ${written.principals} principals (${written.users} users, ${written.roles} roles), ` +
    `${written.files} files, ${mb} MB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
)
