// What the browser tests share: Debian's Chromium through playwright-core, and where their
// screenshots go (.coso-test/screenshots, not committed).
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { ROOT } from './helpers.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SHOTS = join(ROOT, '.coso-test', 'screenshots')

/** Why the browser tests cannot run here, or false. */
export const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`

export async function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}
