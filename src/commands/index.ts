/** Explicit command registry (oclif `explicit` strategy): no directory scanning at start-up. */
import BaselineCreate from './baseline/create.js'
import Collect from './collect.js'
import Diff from './diff.js'
import Merge from './merge.js'
import Scan from './scan.js'

export const COMMANDS = {
  scan: Scan,
  collect: Collect,
  merge: Merge,
  'baseline:create': BaselineCreate,
  diff: Diff,
}
