#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources directly (needs `tsx`, a devDependency).
import { main } from '../src/cli/main.ts'

await main(process.argv.slice(2), import.meta.url)
