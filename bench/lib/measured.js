// Runs a Node script in this process and, when the process exits, writes what
// it cost to a JSON file: CPU time (user, system), peak RSS and time since
// Node started. `node bench/lib/measured.js OUT.json SCRIPT [ARGS...]`.
// The same wrapper around every process a bench compares, so each figure is
// taken the same way; process.resourceUsage() needs neither /proc nor GNU time.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const [out, script, ...args] = process.argv.slice(2);
if (!out || !script) {
  process.stderr.write('usage: node bench/lib/measured.js OUT.json SCRIPT [ARGS...]\n');
  process.exit(2);
}

process.on('exit', (code) => {
  const usage = process.resourceUsage();
  writeFileSync(
    out,
    `${JSON.stringify({
      code,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      userMs: usage.userCPUTime / 1000,
      systemMs: usage.systemCPUTime / 1000,
      // Kilobytes (getrusage ru_maxrss on Linux).
      maxRssKb: usage.maxRSS,
      uptimeMs: performance.now(),
    })}\n`,
  );
});

// The script sees the command line it would have had run on its own.
const scriptPath = path.resolve(script);
process.argv = [process.argv[0], scriptPath, ...args];
await import(pathToFileURL(scriptPath).href);
