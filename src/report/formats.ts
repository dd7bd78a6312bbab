/** The report formats `scan --format` accepts, and the extra `--<format>-out` files. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit', 'github', 'html'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]
