/**
 * A CUR 2.0 export inside an `--input` folder (examples/demo-org/cur/): its `Manifest.json` files are
 * JSON the snapshot walker meets. They are known and never read as IAM input; `--cur` reads the export.
 * No AWS SDK here: the snapshot scanner loads this on every run.
 */
import { isJsonObject, type JsonObject, type OtherFileRecogniser } from '../snapshot/recogniser.js'

export const CUR_MANIFEST_KIND = 'cur-manifest'

/** `dataFiles` (CUR 2.0) or `reportKeys` (legacy CUR) next to the billing period or the columns. */
export const curManifestRecogniser: OtherFileRecogniser = {
  kind: CUR_MANIFEST_KIND,
  scope: 'other',
  matches: (obj: JsonObject) =>
    (Array.isArray(obj.dataFiles) || Array.isArray(obj.reportKeys)) && (isJsonObject(obj.billingPeriod) || Array.isArray(obj.columns) || typeof obj.executionId === 'string' || typeof obj.assemblyId === 'string'),
}

/** Append to the snapshot scanner's recognisers. */
export const CUR_RECOGNISERS: readonly OtherFileRecogniser[] = [curManifestRecogniser]
