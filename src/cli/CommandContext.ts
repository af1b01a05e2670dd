import type { Io } from './Io.js';

export type OptionValues = Record<string, string | boolean | undefined>;

/** What a command's `run()` gets from the CLI: its parsed options and the process I/O. */
export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  io: Io;
}
