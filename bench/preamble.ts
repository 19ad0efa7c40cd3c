/** The opening of docs/benchmarks.md: what is measured, how, and how to run it. */
export const PREAMBLE = `
Vireo's performance goals are ratios against other ways of running the same guest (or plain
figures where there is nothing to compare with), measured side by side in one run. They are
benchmarks, not tests: no test asserts a time. This file is written by \`npm run bench\`;
everything below "Last run" comes from that run, on the machine it names.

## Running them

\`\`\`sh
npm run bench                        # build, run all eight (~12–18 min on 2 cores under TCG), write this file
npm run bench -- --only boot         # one (or several: --only start,console); prints, leaves this file alone
npm run bench -- --only ui --write   # …and writes this file with just those sections
npm run bench -- --runs 5            # runs per measurement (defaults: start 9, boot 3, overhead 3, disk 3, console 3, scale 5, ui 5, cli 15)
npm run bench -- --accel kvm         # on a host where KVM works (default: what \\\`vireo host check\\\` picks)
npm run bench -- --no-build          # use the existing out/ build
npm run bench -- --no-write --quiet  # print everything, write nothing, no progress lines
npm run bench -- --smoke             # each once, smallest sizes, no warm-ups, no goals judged, nothing written (npm test runs this)
\`\`\`

Needs what \`npm test\` needs: QEMU, qemu-img, the test ISO's build tools (it is built once and
cached by \`e2e/fixtures/build-test-iso.sh\`) and Debian's Chromium at \`/usr/bin/chromium\`.

## How they work

- \`scripts/bench.js\` builds the app (\`electron-vite build\`), bundles \`bench/main.ts\` with
  esbuild into \`node_modules/.cache/vireo-bench/\` and runs it with Node; the bundle is removed
  afterwards. The benchmarks drive the **built** app as a user's front end would: \`bin/vireo.js\`
  for the CLI and \`vireo web\` for the API and console WebSockets; the baselines are QEMU
  command lines spawned directly (\`bench/lib/variants.ts\`).
- Everything a run makes lives in one temp folder (\`/tmp/vireo-bench-*\`): each benchmark's
  VIREO_HOME, and XDG_RUNTIME_DIR for Vireo's sockets. At the end — also after a failure or
  Ctrl+C — every web host is stopped after forcing off its VMs, every QEMU started by the run is
  killed by its pid (and any process whose command line names the temp folder), and the folder
  is removed. Only loopback addresses and UNIX sockets are used.
- The guest is the test installer ISO's "installed OS": one VM is made with \`vireo create --iso\`
  and every default, installed once, and its disk is copied for everything else.
- \`--smoke\` proves the benchmarks still run, not how fast anything is: one run each, no
  warm-up, the smallest sizes (disk: 16 MiB per dd; scale: 3 VMs, 1 running, 2 clients, 1 s
  idle windows; console: 1 s of frames, 2 key presses; boot: no diagnostic variants and no
  extra boots for the split), the figures printed with no goal judged and docs/benchmarks.md left
  alone. It fails when any benchmark throws; \`npm test\` counts it as one check.
- Figures are medians with min–max; a ratio is Vireo's median ÷ the other's. Under TCG the
  guests are CPU-bound, so on a small shared machine the spread is wide: read the ranges, and
  the load line under "Last run", before reading much into a few percent.
`
