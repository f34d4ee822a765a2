// Preloaded into a benchmarked child process (`node --require bench/peak-rss.cjs ...`): when the
// process exits, writes its peak resident set size in bytes (VmHWM from /proc/self/status, or
// getrusage's maxRSS where /proc is missing) to the file named by VOXSTATE_BENCH_PEAK_RSS_FILE.
'use strict';
const fs = require('node:fs');

const target = process.env.VOXSTATE_BENCH_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    let bytes = process.resourceUsage().maxRSS * 1024;
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (match) bytes = Number(match[1]) * 1024;
    } catch {
      // not Linux: keep maxRSS
    }
    fs.writeFileSync(target, String(bytes));
  });
}
