/**
 * The offline `AccountSource` for `scan --input`: raw AWS CLI/SDK JSON, including `tagwarden collect`
 * folders (OU paths and SCP levels from the collected Organizations outputs, the manifest's scope and
 * AWS failures). For plain snapshots it is the snapshot scanner streamed account by account.
 */
export { collectedSnapshotSource as snapshotSource } from '../snapshot-writer/read-back.js'
