/**
 * Adapts the IaC scanner to the pipeline's streaming `AccountSource`: each CloudFormation template, CDK
 * stack or Terraform plan is one account (pseudo account ID `iac:<repo-relative file>`, `#n` for the n-th
 * template of a multi-document YAML file), read and analysed one at a time.
 */
import { addIdentityCenter, type OrgIndex } from '../analysis/org-index.js'
import { loadIacUnit, planIac, type IacInventory, type IacPlan, type IacScanOptions } from '../scanners/iac/index.js'
import type { AccountSource } from './account-source.js'

export type IacSourceOptions = IacScanOptions & {
  /**
   * false (`--no-inline-suppressions`): suppressions written next to a resource (`Metadata.tagwarden.ignore`,
   * `# tagwarden:ignore`) are dropped, so the findings they would hide are reported. In a pull request
   * they are written by its author.
   */
  inlineSuppressions?: boolean
}

/** With --changed-only: how many templates were found and how many of them changed (known after prepare). */
export interface IacChangeCounts {
  found: number
  changed: number
}

/** Drops the inline suppressions of every principal and permission set (and the notes about their missing reasons); returns how many. */
function dropInlineSuppressions(inv: IacInventory): number {
  let n = 0
  const permissionSets = inv.iac.identityCenter?.instances.flatMap((i) => i.permissionSets) ?? []
  for (const p of [...inv.users, ...inv.roles, ...permissionSets]) {
    if (!p.origin?.suppressions) continue
    n += p.origin.suppressions.length
    delete p.origin.suppressions
  }
  inv.iac.suppressionWarnings = []
  return n
}

export function iacSource(
  paths: string[],
  opts: IacSourceOptions = {},
): AccountSource & { changeCounts(): IacChangeCounts | undefined; ignoredSuppressions(): number } {
  let plan: IacPlan | undefined
  let ignored = 0
  let index: OrgIndex | undefined
  return {
    ignoredSuppressions() {
      return ignored
    },
    changeCounts() {
      return plan && opts.changedOnly !== undefined ? { found: plan.units.length + plan.skippedUnchanged, changed: plan.units.length } : undefined
    },
    async prepare(orgIndex) {
      index = orgIndex
      plan = await planIac(paths, opts)
      // A path named on the command line that yields nothing is an error planIac reports itself.
      return { errors: [...plan.errors], notEvaluated: [...plan.notEvaluated] }
    },
    async *accounts() {
      if (!plan) throw new Error('iacSource.accounts() called before prepare()')
      for (const unit of plan.units) {
        for (const loaded of await loadIacUnit(unit, opts)) {
          const inv = loaded.inventory
          if (inv && opts.inlineSuppressions === false) ignored += dropInlineSuppressions(inv)
          // Template-level notes and suppressions without a reason reach the report's summary.notes.
          if (inv) inv.notes = [...inv.iac.notEvaluated.map((n) => `${inv.iac.file}: ${n}`), ...inv.iac.suppressionWarnings.map((w) => `${w.location}: ${w.message}`)]
          // Its Identity Center permission sets are judged org-wide, after every account (rule identity-center-session-tags).
          if (inv?.iac.identityCenter && index) addIdentityCenter(index, inv.iac.identityCenter)
          yield loaded.inventory
            ? { accountId: loaded.accountId, inventory: loaded.inventory, errors: loaded.errors }
            : { accountId: loaded.accountId, errors: loaded.errors }
        }
      }
    },
    accountTotal() {
      // A multi-document YAML file yields several templates: the progress line then shows no total.
      return plan?.units.length ?? 0
    },
    fileCount() {
      return plan?.fileCount ?? 0
    },
    iacCounts() {
      return plan?.counts ?? { filesRead: 0, templates: 0, plans: 0, assemblies: 0, notTemplates: 0, skippedSymlinks: 0, skippedTooLarge: 0 }
    },
  }
}
