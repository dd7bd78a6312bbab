/** Explicit command registry (oclif `explicit` strategy): no directory scanning at start-up. */
import BaselineCreate from './baseline/create.js'
import Diff from './diff.js'
import Scan from './scan.js'

export const COMMANDS = {
  scan: Scan,
  'baseline:create': BaselineCreate,
  diff: Diff,
}
