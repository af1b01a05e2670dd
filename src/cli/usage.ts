import { type CommandSpec, commandTable, globalOptions, type OptionSpec } from './commandTable.js';

function optionUsage(name: string, spec: OptionSpec): string {
  return spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
}

/** One line: `storyline check [--root DIR] [--json]`. */
export function usageLine(command: CommandSpec): string {
  const parts = ['storyline', command.name];
  if (command.args) parts.push(command.args);
  for (const [name, spec] of Object.entries({ ...command.options, root: globalOptions.root })) {
    if (spec) parts.push(`[${optionUsage(name, spec)}]`);
  }
  return `Usage: ${parts.join(' ')}`;
}

/** `storyline <command> --help`. */
export function commandHelp(command: CommandSpec): string {
  const rows = Object.entries({ ...command.options, ...globalOptions }).map(
    ([name, spec]) => [optionUsage(name, spec), spec.description] as const,
  );
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    usageLine(command),
    '',
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
  ].join('\n');
}

/** `storyline --help`. */
export function mainHelp(): string {
  const width = Math.max(
    ...commandTable.map((c) => c.name.length + (c.args ? c.args.length + 1 : 0)),
  );
  return [
    'Usage: storyline <command> [options]',
    '',
    'A newsletter pipeline for a developing story kept in git.',
    '',
    'Commands:',
    ...commandTable.map(
      (c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`.padEnd(width)}  ${c.summary}`,
    ),
    '',
    'Every command takes --root DIR (the folder holding story.md) and --help.',
    'Exit codes: 0 success, 1 a content or delivery problem, 2 a usage error.',
    '',
  ].join('\n');
}
