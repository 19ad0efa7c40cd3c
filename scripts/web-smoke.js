// `node scripts/web-smoke.js COMMAND [ARG…]`: starts COMMAND (a `vireo web --port 0`, as
// installed), waits for the URL it prints, loads the page as a browser does (the token in the
// URL becomes a cookie, then the page), stops it with SIGTERM and exits 0 when all of that
// worked and it stopped, 1 otherwise, saying what failed. The package checks use it on the
// installed or unpacked server package: it imports nothing but Node's own modules.
import { spawn } from 'node:child_process'

const [command, ...args] = process.argv.slice(2)
if (command === undefined) {
  console.error('web-smoke: usage: node scripts/web-smoke.js COMMAND [ARG…]')
  process.exit(2)
}
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
let output = ''
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('printed no URL within 30 s')), 30_000)
  const onData = (chunk) => {
    output += chunk
    const found = /running at (http:\/\/\S+)/.exec(output)?.[1]
    if (found !== undefined) {
      clearTimeout(timer)
      resolve(found)
    }
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  child.once('exit', (code) => reject(new Error(`exited with ${code}`)))
}).catch((error) => {
  console.error(`web-smoke: ${command} ${args.join(' ')}: ${error.message}\n${output}`)
  child.kill('SIGTERM')
  process.exit(1)
})
const exited = new Promise((resolve) =>
  child.once('exit', (code, signal) => resolve(code ?? signal)),
)
try {
  const first = await fetch(url, { redirect: 'manual' })
  const cookie = first.headers.get('set-cookie')?.split(';')[0]
  if (first.status !== 303 || cookie === undefined)
    throw new Error(`the token URL answered ${first.status}, not 303 with a cookie`)
  const page = await fetch(new URL(first.headers.get('location') ?? '/', url), {
    headers: { cookie },
  })
  const html = await page.text()
  if (page.status !== 200 || !/<!doctype html>/i.test(html))
    throw new Error(`the page answered ${page.status}: ${html.slice(0, 200)}`)
  const bare = await fetch(new URL('/', url))
  if (bare.status !== 401)
    throw new Error(`without the token the page answered ${bare.status}, not 401`)
} catch (error) {
  console.error(`web-smoke: ${url}: ${error.message}`)
  child.kill('SIGTERM')
  process.exit(1)
}
child.kill('SIGTERM')
const stopped = await Promise.race([
  exited,
  new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
])
if (stopped !== 0) {
  console.error(`web-smoke: after SIGTERM the web host ended with ${stopped}, not 0\n${output}`)
  child.kill('SIGKILL')
  process.exit(1)
}
console.log(
  `web-smoke: ${url.replace(/token=[^&]+/, 'token=…')} served the UI with its token, refused it without, and stopped`,
)
