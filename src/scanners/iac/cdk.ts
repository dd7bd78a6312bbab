/**
 * AWS CDK cloud assemblies (`cdk.out`): `manifest.json` lists the stacks (`aws:cloudformation:stack`
 * artifacts and their `templateFile`) and the nested assemblies of stages (`cdk:cloud-assembly`, in
 * `assembly-*` folders). Nested stacks are template assets named in the parent template's
 * `AWS::CloudFormation::Stack` resources (`Metadata."aws:asset:path"`).
 *
 * Every path a manifest names is resolved with realpath and must stay inside the assembly folder (the one
 * given on the command line or found by the walk) and be a regular file (a folder, for nested assemblies):
 * a manifest in a pull request could otherwise make tagwarden read `../../../etc/passwd` or `/dev/zero`.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { MANIFEST_MAX_BYTES, decodeText, readBounded, realInside } from './files.js'

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
  artifacts?: Record<string, { type?: string; displayName?: string; properties?: { templateFile?: unknown; directoryName?: unknown; file?: unknown } }>
}

/** True when a parsed `manifest.json` is a cloud assembly manifest. */
export function isAssemblyManifest(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Manifest).version === 'string' && typeof (v as Manifest).artifacts === 'object' && (v as Manifest).artifacts !== null
}

async function readJson(file: string): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const read = await readBounded(file, MANIFEST_MAX_BYTES)
  if (!read.ok) return { ok: false, message: read.message }
  try {
    return { ok: true, value: JSON.parse(decodeText(read.buf)) as unknown }
  } catch (e) {
    return { ok: false, message: (e as Error).message }
  }
}

/**
 * `rel` (a path from a manifest) resolved against `dir`: its real path when it is inside `root` and of the
 * expected kind, else a problem naming the manifest field (never the content of what it points at).
 */
async function confined(root: string, dir: string, rel: unknown, kind: 'file' | 'dir', manifest: string, field: string, out: CdkAssembly): Promise<string | undefined> {
  if (typeof rel !== 'string' || rel === '') {
    out.problems.push({ file: manifest, message: `${field} is not a path` })
    return undefined
  }
  const real = await realInside(root, join(dir, rel))
  if (real === undefined) {
    out.problems.push({ file: manifest, message: `${field} ${JSON.stringify(rel)} does not name a file inside the cloud assembly folder; not read` })
    return undefined
  }
  const s = await stat(real).catch(() => undefined)
  if (!s || (kind === 'file' ? !s.isFile() : !s.isDirectory())) {
    out.problems.push({ file: manifest, message: `${field} ${JSON.stringify(rel)} is not a ${kind === 'file' ? 'regular file' : 'folder'}; not read` })
    return undefined
  }
  return real
}

/** Read the assembly in `dir` (a real path); every path it names must stay inside `root` (default: `dir`). */
export async function readAssembly(dir: string, prefix = '', depth = 0, root = dir): Promise<CdkAssembly> {
  const out: CdkAssembly = { dirs: [dir], stacks: [], problems: [] }
  const manifestFile = join(dir, 'manifest.json')
  const read = await readJson(manifestFile)
  if (!read.ok) {
    out.problems.push({ file: manifestFile, message: `cannot read the cloud assembly manifest: ${read.message}` })
    return out
  }
  const manifest = read.value as Manifest
  if (!isAssemblyManifest(manifest)) {
    out.problems.push({ file: manifestFile, message: 'not a CDK cloud assembly manifest (no version/artifacts)' })
    return out
  }
  const artifacts = manifest.artifacts ?? {}
  for (const [id, artifact] of Object.entries(artifacts)) {
    const name = prefix ? `${prefix}/${id}` : id
    if (artifact?.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile !== undefined) {
      const stackName = typeof artifact.displayName === 'string' ? artifact.displayName : name
      const template = await confined(root, dir, artifact.properties.templateFile, 'file', manifestFile, `artifacts.${id}.properties.templateFile`, out)
      if (template) out.stacks.push({ file: template, stack: stackName })
      // Nested stacks are template assets of their parent stack.
      const assets = artifacts[`${id}.assets`]
      if (assets?.type === 'cdk:asset-manifest' && assets.properties?.file !== undefined) {
        const assetFile = await confined(root, dir, assets.properties.file, 'file', manifestFile, `artifacts.${id}.assets.properties.file`, out)
        if (assetFile) {
          for (const nested of await nestedTemplates(assetFile, out)) {
            const file = await confined(root, dir, nested, 'file', assetFile, 'files.*.source.path', out)
            if (file) out.stacks.push({ file, stack: `${stackName}/${nested.replace(/\.nested\.template\.json$|\.template\.json$/, '')}` })
          }
        }
      }
    } else if (artifact?.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName !== undefined && depth < 10) {
      const nestedDir = await confined(root, dir, artifact.properties.directoryName, 'dir', manifestFile, `artifacts.${id}.properties.directoryName`, out)
      if (!nestedDir) continue
      const nested = await readAssembly(nestedDir, typeof artifact.displayName === 'string' ? artifact.displayName : name, depth + 1, root)
      out.dirs.push(...nested.dirs)
      out.stacks.push(...nested.stacks)
      out.problems.push(...nested.problems)
    }
  }
  return out
}

async function nestedTemplates(assetManifest: string, out: CdkAssembly): Promise<string[]> {
  const read = await readJson(assetManifest)
  if (!read.ok) {
    out.problems.push({ file: assetManifest, message: `cannot read the asset manifest: ${read.message}` })
    return []
  }
  const raw = read.value as { files?: Record<string, { source?: { path?: unknown } }> }
  const files = typeof raw === 'object' && raw !== null && typeof raw.files === 'object' && raw.files !== null ? Object.values(raw.files) : []
  return files.map((f) => f?.source?.path).filter((p): p is string => typeof p === 'string' && p.endsWith('.nested.template.json'))
}
