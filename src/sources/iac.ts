/**
 * Adapts the IaC scanner to the pipeline's streaming `AccountSource`: each CloudFormation template, CDK
 * stack or Terraform plan is one account (pseudo account ID `iac:<repo-relative file>`, `#n` for the n-th
 * template of a multi-document YAML file), read and analysed one at a time.
 */
import { loadIacUnit, planIac, type IacPlan, type IacScanOptions } from '../scanners/iac/index.js'
import type { AccountSource } from './account-source.js'

export type IacSourceOptions = IacScanOptions

export function iacSource(paths: string[], opts: IacSourceOptions = {}): AccountSource {
  let plan: IacPlan | undefined
  return {
    async prepare() {
      plan = await planIac(paths, opts)
      const errors = [...plan.errors]
      // A gate pointed at the wrong folder must not pass silently. With --changed-only, finding no changed
      // template is the normal case for a pull request that touches no infrastructure.
      if (plan.units.length === 0 && errors.length === 0 && opts.changedOnly === undefined) {
        errors.push({
          source: paths.join(', '),
          code: 'iac-nothing-found',
          message: `--iac ${paths.join(' ')}: no CloudFormation template, CDK cloud assembly, Terraform plan JSON or Terraform sources found`,
          hint: 'point --iac at templates, a cdk.out folder, `terraform show -json plan.out` output or a folder of .tf files; other files (package.json, tsconfig.json, CDK manifests) are skipped',
        })
      }
      return { errors }
    },
    async *accounts() {
      if (!plan) throw new Error('iacSource.accounts() called before prepare()')
      for (const unit of plan.units) {
        for (const loaded of await loadIacUnit(unit, opts)) {
          const inv = loaded.inventory
          // Template-level notes and suppressions without a reason reach the report's summary.notes.
          if (inv) inv.notes = [...inv.iac.notEvaluated.map((n) => `${inv.iac.file}: ${n}`), ...inv.iac.suppressionWarnings.map((w) => `${w.location}: ${w.message}`)]
          yield loaded.inventory
            ? { accountId: loaded.accountId, inventory: loaded.inventory, errors: loaded.errors }
            : { accountId: loaded.accountId, errors: loaded.errors }
        }
      }
    },
    fileCount() {
      return plan?.fileCount ?? 0
    },
  }
}
