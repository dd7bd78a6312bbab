/** Explicit command registry (oclif `explicit` strategy): no directory scanning at start-up. */
import BaselineCreate from './baseline/create.js'
import Collect from './collect.js'
import Demo from './demo.js'
import Diff from './diff.js'
import Help from './help.js'
import Init from './init.js'
import RulesExplain from './rules/explain.js'
import RulesList from './rules/list.js'
import RulesTest from './rules/test.js'
import RulesValidate from './rules/validate.js'
import Merge from './merge.js'
import Scan from './scan.js'
import Spend from './spend.js'

export const COMMANDS = {
  scan: Scan,
  collect: Collect,
  merge: Merge,
  'baseline:create': BaselineCreate,
  diff: Diff,
  demo: Demo,
  init: Init,
  help: Help,
  'rules:list': RulesList,
  'rules:explain': RulesExplain,
  'rules:validate': RulesValidate,
  'rules:test': RulesTest,
  spend: Spend,
}
