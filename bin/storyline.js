#!/usr/bin/env node
// A thin bin: the compiled CLI is loaded lazily so a missing build says what to do.
import process from 'node:process';

let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write(
      'storyline: not built yet; run `npm run build` (npm ci does it for you)\n',
    );
    process.exit(2);
  }
  throw error;
}

const fixedNow = process.env.STORYLINE_NOW ? new Date(process.env.STORYLINE_NOW) : undefined;
if (fixedNow && Number.isNaN(fixedNow.getTime())) {
  process.stderr.write(
    `storyline: STORYLINE_NOW is \`${process.env.STORYLINE_NOW}\`, expected an ISO date-time such as 2014-02-10T12:00:00Z (or unset it)\n`,
  );
  process.exit(2);
}

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  now: () => fixedNow ?? new Date(),
};

try {
  process.exitCode = await cli.main(process.argv.slice(2), io);
} catch (error) {
  process.stderr.write(`storyline: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
