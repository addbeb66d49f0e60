#!/usr/bin/env node
// The `coso` command. It must run on the Node.js the project pins (the `node` devDependency),
// whatever Node started it: an older one hands over to the pinned binary.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url))
  if (!existsSync(pinned)) {
    console.error(`coso cần Node.js 24 (đang chạy ${process.version}); hãy chạy "npm ci" trước.`)
    console.error(`coso needs Node.js 24 (this is ${process.version}); run "npm ci" first.`)
    process.exit(1)
  }
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(result.status ?? 1)
}
await import('../src/cli/main.ts')
