/**
 * AWS CDK cloud assemblies (`cdk.out`): `manifest.json` lists the stacks (`aws:cloudformation:stack`
 * artifacts and their `templateFile`) and the nested assemblies of stages (`cdk:cloud-assembly`, in
 * `assembly-*` folders). Nested stacks are template assets named in the parent template's
 * `AWS::CloudFormation::Stack` resources (`Metadata."aws:asset:path"`).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface CdkStackTemplate {
  /** Absolute path of the template file. */
  file: string
  /** Artifact ID, with the stage path for stacks of nested assemblies (`Prod/ApiStack`). */
  stack: string
}

export interface CdkAssembly {
  /** Absolute folders of this assembly and its nested assemblies. */
  dirs: string[]
  stacks: CdkStackTemplate[]
  problems: Array<{ file: string; message: string }>
}

interface Manifest {
  version?: unknown
  artifacts?: Record<string, { type?: string; displayName?: string; properties?: { templateFile?: string; directoryName?: string; file?: string } }>
}

/** True when a parsed `manifest.json` is a cloud assembly manifest. */
export function isAssemblyManifest(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Manifest).version === 'string' && typeof (v as Manifest).artifacts === 'object'
}

export async function readAssembly(dir: string, prefix = '', depth = 0): Promise<CdkAssembly> {
  const out: CdkAssembly = { dirs: [dir], stacks: [], problems: [] }
  const manifestFile = join(dir, 'manifest.json')
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest
  } catch (e) {
    out.problems.push({ file: manifestFile, message: `cannot read the cloud assembly manifest: ${(e as Error).message}` })
    return out
  }
  if (!isAssemblyManifest(manifest)) {
    out.problems.push({ file: manifestFile, message: 'not a CDK cloud assembly manifest (no version/artifacts)' })
    return out
  }
  const artifacts = manifest.artifacts ?? {}
  for (const [id, artifact] of Object.entries(artifacts)) {
    const name = prefix ? `${prefix}/${id}` : id
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const stackName = artifact.displayName ?? name
      out.stacks.push({ file: join(dir, artifact.properties.templateFile), stack: stackName })
      // Nested stacks are template assets of their parent stack.
      const assets = artifacts[`${id}.assets`]
      if (assets?.type === 'cdk:asset-manifest' && assets.properties?.file) {
        for (const nested of await nestedTemplates(join(dir, assets.properties.file), out)) {
          out.stacks.push({ file: join(dir, nested), stack: `${stackName}/${nested.replace(/\.nested\.template\.json$|\.template\.json$/, '')}` })
        }
      }
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName && depth < 10) {
      const nested = await readAssembly(join(dir, artifact.properties.directoryName), artifact.displayName ?? name, depth + 1)
      out.dirs.push(...nested.dirs)
      out.stacks.push(...nested.stacks)
      out.problems.push(...nested.problems)
    }
  }
  return out
}

async function nestedTemplates(assetManifest: string, out: CdkAssembly): Promise<string[]> {
  let raw: { files?: Record<string, { source?: { path?: string; packaging?: string } }> }
  try {
    raw = JSON.parse(await readFile(assetManifest, 'utf8')) as typeof raw
  } catch (e) {
    out.problems.push({ file: assetManifest, message: `cannot read the asset manifest: ${(e as Error).message}` })
    return []
  }
  return Object.values(raw.files ?? {})
    .map((f) => f.source?.path)
    .filter((p): p is string => typeof p === 'string' && p.endsWith('.nested.template.json'))
}
