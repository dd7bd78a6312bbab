/* global module */
/**
 * The layering of src/, checked by `npm test` (`depcruise src`). Data flows one way:
 *   scanners → model → analysis (iam, analysis, usage, spend, tag-policy) → rules → findings → report,
 * with sources adapting scanners to the pipeline, and commands/cli thin on top.
 * `tsPreCompilationDeps: true` makes type-only imports count: a type cycle is still a cycle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'src has no import cycle, type imports included', from: { path: '^src/' }, to: { circular: true } },
    { name: 'model-is-a-leaf', severity: 'error', comment: 'the model (finding, inventory, policy, spend shapes) imports nothing else of src but util', from: { path: '^src/model/' }, to: { path: '^src/', pathNot: '^src/(model|util)/' } },
    { name: 'util-is-a-leaf', severity: 'error', from: { path: '^src/util/' }, to: { path: '^src/', pathNot: '^src/util/' } },
    { name: 'config-below-analysis', severity: 'error', comment: 'the resolved configuration is read by analysis, rules and spend; it knows only the rule contract (types, option validation), not the rules or anything above', from: { path: '^src/config/' }, to: { path: '^src/(analysis|iam|usage|spend|tag-policy|scanners|sources|pipeline|report|cli|commands|collect|testing)/|^src/rules/(?!(types|options)\\.ts$)' } },
    { name: 'scanners-know-no-consumer', severity: 'error', comment: 'a scanner turns inputs into the model; it never knows about analysis, rules, the pipeline or reporters', from: { path: '^src/scanners/' }, to: { path: '^src/(analysis|rules|config|report|pipeline|sources|collect|cli|commands|testing)/' } },
    { name: 'analysis-below-rules', severity: 'error', comment: 'IAM evaluation, analysis, usage, spend and tag policies feed the rules; they never import the rules, reporters or scanners', from: { path: '^src/(iam|analysis|usage|spend|tag-policy)/' }, to: { path: '^src/(rules|report|scanners|sources|pipeline|collect|cli|commands|testing)/' } },
    { name: 'rules-below-report', severity: 'error', comment: 'rules are pure checks over the analysis; no scanner, source, pipeline, reporter or command', from: { path: '^src/rules/' }, to: { path: '^src/(scanners|sources|pipeline|report|collect|cli|commands|testing)/' } },
    { name: 'reporters-are-pure', severity: 'error', comment: 'reporters format a report; they never reach scanners, sources, the pipeline or commands', from: { path: '^src/report/' }, to: { path: '^src/(scanners|sources|pipeline|collect|cli|commands|testing)/' } },
    { name: 'pipeline-below-commands', severity: 'error', from: { path: '^src/(pipeline|sources|collect)/' }, to: { path: '^src/(report|cli|commands|testing)/' } },
    { name: 'commands-are-thin', severity: 'error', comment: 'oclif command classes parse flags and call src/cli; they never run scanners, analysis, rules or reporters themselves', from: { path: '^src/commands/' }, to: { path: '^src/(scanners|sources|pipeline|collect|analysis|iam|usage|spend|tag-policy|rules|report|config)/' } },
    { name: 'only-commands-use-cli', severity: 'error', from: { path: '^src/', pathNot: '^src/(cli|commands|testing)/' }, to: { path: '^src/(cli|commands)/' } },
    { name: 'src-not-test', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench|scripts)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
