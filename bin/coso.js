#!/usr/bin/env -S node --max-old-space-size=256
// The `coso` command. It must run on the Node.js the project pins (the `node` devDependency),
// whatever Node started it: an older one hands over to the pinned binary. The heap is capped
// (shebang, and the npm scripts): left alone, V8 lets a long import's garbage grow with the
// file instead of collecting it, and memory must stay flat whatever the file size. A dedup run
// is the exception: it holds the whole register in memory (a province of 1.4 million persons
// takes about 1 GB of heap, its pair arrays lie outside the heap), so it starts with a larger one.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { getHeapStatistics } from 'node:v8'

const args = process.argv.slice(2)
const heapMb = args[0] === 'dedup' && args[1] === 'run' ? 3072 : 256
const major = Number(process.versions.node.split('.')[0])
if (major < 24 || getHeapStatistics().heap_size_limit < heapMb * 2 ** 20) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url))
  if (major < 24 && !existsSync(pinned)) {
    console.error(`coso cần Node.js 24 (đang chạy ${process.version}); hãy chạy "npm ci" trước.`)
    console.error(`coso needs Node.js 24 (this is ${process.version}); run "npm ci" first.`)
    process.exit(1)
  }
  const result = spawnSync(
    major < 24 ? pinned : process.execPath,
    [`--max-old-space-size=${heapMb}`, fileURLToPath(import.meta.url), ...args],
    {
      stdio: 'inherit',
    },
  )
  process.exit(result.status ?? 1)
}
await import('../src/cli/main.ts')
