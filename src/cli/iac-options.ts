/**
 * The `scan` flags of the IaC pre-deploy gate, for the lead to wire into the `scan` command. Each maps to
 * one `iacSource(paths, opts)` option (src/pipeline/iac-source.ts).
 */

export interface IacFlagSpec {
  name: string
  /** The `IacScanOptions` field it sets (`paths` for the inputs themselves). */
  option: 'paths' | 'tfDir' | 'changedOnly' | 'basePath' | 'varFiles'
  helpValue?: string
  summary: string
  /** Human-readable default, for help text. */
  default: string
  multiple?: boolean
}

export const IAC_FLAGS: readonly IacFlagSpec[] = [
  {
    name: 'iac',
    option: 'paths',
    helpValue: 'PATH',
    multiple: true,
    summary:
      'Infrastructure as code to check before deploying: CloudFormation templates (YAML/JSON), CDK cdk.out folders, Terraform plan JSON (`terraform show -json plan.out`), Terraform sources (.tf, .tf.json: each root module folder, without a plan). Folders are walked; files are recognised by content.',
    default: 'none',
  },
  {
    name: 'tf-dir',
    option: 'tfDir',
    helpValue: 'DIR',
    summary: 'Terraform root module folder, used to find each planned resource in the .tf sources (file, line, inline suppressions).',
    default: "the plan file's folder",
  },
  {
    name: 'var-file',
    option: 'varFiles',
    helpValue: 'FILE',
    multiple: true,
    summary:
      'Terraform sources: a .tfvars (or .tfvars.json) file of variable values, as `terraform plan -var-file`; applied after terraform.tfvars, *.auto.tfvars and TF_VAR_* variables. Repeatable.',
    default: 'none',
  },
  {
    name: 'changed-only',
    option: 'changedOnly',
    helpValue: 'BASE_REF',
    summary:
      'PR gate: check only templates changed since the merge base of BASE_REF and HEAD (uncommitted and untracked files count as changed), and only the resources a Terraform plan creates or updates.',
    default: 'check everything',
  },
  {
    name: 'base-path',
    option: 'basePath',
    helpValue: 'DIR',
    summary: 'Folder that file paths in findings and SARIF are relative to (usually the repository root).',
    default: 'the current directory',
  },
]
