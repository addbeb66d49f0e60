// A coso server in a child process for an HTTP bench: resolved with its address once it listens,
// stopped (and waited for) by `stop`. `args` follow the Node executable: flags, script, command.
import { spawn } from 'node:child_process'

export function benchServer(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, COSO_LOG_LEVEL: 'warn' },
    })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (d) => {
      out += d
      const m = /(http:\/\/\S+)/.exec(out)
      if (m?.[1])
        resolve({
          url: m[1],
          stop: () =>
            new Promise((r) => {
              child.on('close', () => r())
              child.kill('SIGTERM')
            }),
        })
    })
    child.on('close', (code) => reject(new Error(`the server exited (${code}) before listening`)))
  })
}
