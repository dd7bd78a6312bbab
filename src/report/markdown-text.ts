/**
 * Markdown escaping for the reporters: messages with CommonMark-exact code spans (`mdText`) and code spans of
 * any text (`mdCode`). The implementation is shared by every channel (src/util/escape.ts).
 */
export { mdInline as mdText, mdCode } from '../util/escape.js'
