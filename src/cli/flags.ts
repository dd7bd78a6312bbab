/** Flags shared by several commands. */
import { Flags } from '@oclif/core'

export const commonFlags = {
  rules: Flags.string({
    summary: 'Rules file (YAML). Default: ./tagwarden.yaml if present, else the bundled rules.yaml.',
    helpValue: 'FILE',
  }),
  now: Flags.string({
    summary: 'Evaluate as of this date (exception expiry). Also TAGWARDEN_NOW.',
    helpValue: 'YYYY-MM-DD',
  }),
  debug: Flags.boolean({ summary: 'Print stack traces for internal errors. Never prints credentials.' }),
}

export const outputFlags = {
  format: Flags.string({
    char: 'f',
    summary: 'Output format.',
    options: ['text', 'json'],
    default: 'text',
  }),
  output: Flags.string({ char: 'o', summary: 'Write the main output to FILE instead of stdout.', helpValue: 'FILE' }),
  color: Flags.boolean({ summary: 'Colour text output (default: on a TTY unless NO_COLOR is set).', allowNo: true }),
  verbose: Flags.boolean({ char: 'v', summary: 'Show evidence (granting statements) and fixes in text output.' }),
}
