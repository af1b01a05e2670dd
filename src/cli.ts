import { parseArgs } from 'node:util';
import {
  type CommandModule,
  type CommandName,
  type CommandSpec,
  commandTable,
  globalOptions,
} from './cli/commandTable.js';
import type { Io } from './cli/Io.js';
import { interruptOnSignals } from './cli/interruptOnSignals.js';
import { keepHeapFlat } from './cli/keepHeapFlat.js';
import { redactingStream, secretsIn } from './cli/redact.js';
import { UsageError } from './cli/UsageError.js';
import { commandHelp, mainHelp, usageLine } from './cli/usage.js';

export type { Io } from './cli/Io.js';

/**
 * Each command's module, loaded only when it runs, so `--help` never pays for
 * mjml. It lives here, not in `cli/commandTable.ts`, because commands import
 * `cli/` (their context, `Io`, `UsageError`): the table loading them would make
 * a cycle of folders. The `Record` type makes this list and the table agree.
 */
const commandModules: Record<CommandName, () => Promise<CommandModule>> = {
  new: () => import('./commands/newCommand.js'),
  check: () => import('./commands/checkCommand.js'),
  build: () => import('./commands/buildCommand.js'),
  preview: () => import('./commands/previewCommand.js'),
  send: () => import('./commands/sendCommand.js'),
  publish: () => import('./commands/publishCommand.js'),
  status: () => import('./commands/statusCommand.js'),
  unsubscribe: () => import('./commands/unsubscribeCommand.js'),
  subscribers: () => import('./commands/subscribersCommand.js'),
  serve: () => import('./commands/serveCommand.js'),
  bounces: () => import('./commands/bouncesCommand.js'),
};

/**
 * The `storyline` command line: find the command in the table, parse its
 * options, run it. Returns the exit code: 0 success, 1 a content or delivery
 * problem, 2 a usage error.
 */
export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  const secrets = secretsIn(rawIo.env);
  const io: Io = {
    ...rawIo,
    stdout: redactingStream(rawIo.stdout, secrets),
    stderr: redactingStream(rawIo.stderr, secrets),
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${await readVersion()}\n`);
    return 0;
  }
  const command = commandTable.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`storyline: unknown command \`${name}\`\n\n${mainHelp()}`);
    return 2;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(command, rest);
  } catch (error) {
    return usageFailure(io, command, error);
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  if (command.streamsList) keepHeapFlat();
  // Signals are the CLI's: a command that says how it stops gets an
  // AbortSignal in its Io, and the second signal ends the process here.
  const interrupts = command.interrupt
    ? interruptOnSignals({
        spec: command.interrupt,
        stderr: io.stderr,
        exit: (code) => process.exit(code),
      })
    : undefined;
  try {
    const module = await commandModules[command.name]();
    return await module.run({
      values: parsed.values,
      positionals: parsed.positionals,
      io: interrupts ? { ...io, signal: interrupts.signal } : io,
    });
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, command, error);
    // Unexpected: say it through the redacting streams, never with a raw stack
    // that might quote a secret (STORYLINE_DEBUG=1 shows the stack, redacted).
    const detail = io.env.STORYLINE_DEBUG
      ? ((error as Error).stack ?? String(error))
      : String((error as Error).message ?? error);
    io.stderr.write(`storyline ${command.name}: ${detail}\n`);
    return 1;
  } finally {
    interrupts?.dispose();
  }
}

function parse(command: CommandSpec, args: string[]) {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...globalOptions }).map(([key, spec]) => [
      key,
      { type: spec.type },
    ]),
  );
  const result = parseArgs({ args, options, allowPositionals: true, strict: true });
  const { min, max } = command.positionals;
  if (!result.values.help && result.positionals.length < min) {
    throw new UsageError(`missing ${command.args ?? 'argument'}`);
  }
  if (result.positionals.length > max) {
    throw new UsageError(`unexpected argument \`${result.positionals[max]}\``);
  }
  return result;
}

function usageFailure(io: Io, command: CommandSpec, error: unknown): number {
  const reason = describeUsageError(error);
  io.stderr.write(`storyline ${command.name}: ${reason}\n${usageLine(command)}\n`);
  return 2;
}

async function readVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** node:util's parseArgs messages are long; say the same thing in a line. */
function describeUsageError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option \`${option}\``;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /argument missing/.test(error.message)
      ? `option \`${option.split(' ')[0]}\` needs a value`
      : `option \`${option.split(' ')[0]}\` takes no value`;
  }
  return error.message;
}
