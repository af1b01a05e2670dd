import type { CommandContext } from './CommandContext.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in usage, e.g. `DIR`. */
  value?: string;
  description: string;
}

/** Every command's name; `src/cli.ts` maps each to its module, and the types keep the two lists equal. */
export type CommandName =
  | 'new'
  | 'check'
  | 'build'
  | 'preview'
  | 'send'
  | 'publish'
  | 'status'
  | 'unsubscribe'
  | 'subscribers'
  | 'serve'
  | 'bounces';

/** A command's module: `run()` parses, calls and prints, returning the exit code. */
export interface CommandModule {
  run: (context: CommandContext) => Promise<number>;
}

export interface CommandSpec {
  name: CommandName;
  /** Positional arguments as shown in usage, e.g. `<headline...>`. */
  args?: string;
  /** How many positionals are allowed. */
  positionals: { min: number; max: number };
  summary: string;
  options: Record<string, OptionSpec>;
  /**
   * How the command stops on SIGINT or SIGTERM: the CLI aborts `io.signal`
   * on the first and says `first`, and exits at once (130) on the second,
   * saying `second`. Without it a signal ends the process as usual.
   */
  interrupt?: InterruptSpec;
  /**
   * The command streams a list that may hold millions (a send, an import or
   * export): the CLI tunes the garbage collector to keep memory flat rather
   * than fast (`cli/keepHeapFlat.ts`).
   */
  streamsList?: true;
}

export interface InterruptSpec {
  /** Said on the first signal (after `SIGINT: `); empty says nothing. */
  first: string;
  /** Said on the second (after `SIGINT again: `); empty says nothing. */
  second: string;
}

/** A send stops taking recipients and lets those in flight finish, so nothing is duplicated. */
const stopSending: InterruptSpec = {
  first:
    'taking no new recipients; finishing the messages in flight (Ctrl-C again to stop at once)…',
  second: 'stopping at once; the next `storyline send` resumes and says what may have gone twice',
};

/** Options every command takes. */
export const globalOptions: Record<string, OptionSpec> = {
  root: {
    type: 'string',
    value: 'DIR',
    description: 'content root holding story.md (default: the current folder)',
  },
  help: { type: 'boolean', description: 'show help for the command' },
};

/** Every command, declared once: parsing, usage lines and `--help` come from here. */
export const commandTable: readonly CommandSpec[] = [
  {
    name: 'new',
    args: '<headline...>',
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    summary: 'write updates/<date>-<slug>.md from a template and print its path',
    options: {
      date: {
        type: 'string',
        value: 'YYYY-MM-DD',
        description: 'the update’s day (default: today in the config’s time zone)',
      },
    },
  },
  {
    name: 'check',
    positionals: { min: 0, max: 0 },
    summary:
      'validate the story, its updates, the config and the template; lint the rendered edition',
    options: {
      json: { type: 'boolean', description: 'print the problems as JSON' },
      strict: { type: 'boolean', description: 'treat lint warnings as errors' },
    },
  },
  {
    name: 'build',
    positionals: { min: 0, max: 0 },
    summary: 'render editions to email.html, email.txt, email.mjml, message.eml and edition.json',
    options: {
      out: {
        type: 'string',
        value: 'DIR',
        description: 'output folder (default: out/ in the content root)',
      },
      edition: {
        type: 'string',
        value: 'ID',
        description:
          'pending (default), all (each update’s edition, oldest first), or an update id',
      },
      strict: { type: 'boolean', description: 'treat lint warnings as errors' },
    },
  },
  {
    name: 'preview',
    positionals: { min: 0, max: 0 },
    summary:
      'serve a live preview of the email that re-renders on every save; or write screenshots',
    options: {
      port: { type: 'string', value: 'N', description: 'port to listen on (default: 4321)' },
      host: {
        type: 'string',
        value: 'HOST',
        description: 'address to listen on (default: 127.0.0.1, this machine only)',
      },
      edition: {
        type: 'string',
        value: 'ID',
        description: 'the update whose edition --screenshot shows (default: the pending one)',
      },
      screenshot: {
        type: 'string',
        value: 'DIR',
        description: 'write desktop.png, mobile.png and dark.png to DIR and exit',
      },
    },
    // The server closes on the first signal: nothing to say.
    interrupt: { first: '', second: '' },
  },
  {
    name: 'send',
    positionals: { min: 0, max: 0 },
    summary:
      'mail the pending edition to every subscriber exactly once (resumable), or a test copy',
    options: {
      to: {
        type: 'string',
        value: 'ADDR',
        description: 'send one test copy to ADDR, subject prefixed [TEST]; not recorded',
      },
      'dry-run': {
        type: 'boolean',
        description: 'render and count recipients; send and write nothing',
      },
      shard: {
        type: 'string',
        value: 'i/n',
        description:
          'send only the i-th of n parts of the list (by address hash), each with its own journal in git; with a PostgreSQL store, run several sends without it instead',
      },
      subscribers: {
        type: 'string',
        value: 'FILE|db',
        description:
          'subscriber CSV, or db for the subscriber store (default: the store when $STORYLINE_DATABASE_URL is set, else $STORYLINE_SUBSCRIBERS, subscribers.csv, subscribers.example.csv)',
      },
    },
    interrupt: stopSending,
    streamsList: true,
  },
  {
    name: 'publish',
    positionals: { min: 0, max: 0 },
    summary: 'check, build, send the pending edition and update archive/: what CI runs on main',
    options: {},
    interrupt: stopSending,
    streamsList: true,
  },
  {
    name: 'status',
    positionals: { min: 0, max: 0 },
    summary:
      'pending updates, the editions sent with their deliveries, bounces and complaints, subscribers by status, and what to do next',
    options: {},
  },
  {
    name: 'unsubscribe',
    args: '<token>',
    // The token, or none with --address; run() says which is missing.
    positionals: { min: 0, max: 1 },
    summary:
      'add the address an unsubscribe link’s token names (or, with --address, an address) to the suppression list',
    options: {
      address: {
        type: 'string',
        value: 'EMAIL',
        description:
          'unsubscribe this address instead of a token (never wire this to what readers send)',
      },
    },
  },
  {
    name: 'subscribers',
    args: '<import FILE.csv|export|add EMAIL|unsubscribe EMAIL-or-TOKEN|show EMAIL|erase EMAIL|count>',
    positionals: { min: 1, max: 2 },
    summary:
      'manage the subscriber store ($STORYLINE_DATABASE_URL, else .storyline/storyline.db): import, export, add, unsubscribe, show, erase, count',
    options: {
      name: { type: 'string', value: 'NAME', description: 'with add: the subscriber’s name' },
      format: {
        type: 'string',
        value: 'csv|json',
        description:
          'with export: csv (default; the list format import reads) or json (one subscriber per line, everything held)',
      },
      status: {
        type: 'string',
        value: 'STATUS',
        description:
          'with count and export: only subscribers with this status (pending, active, unsubscribed, bounced, complained)',
      },
    },
    streamsList: true,
  },
  {
    name: 'serve',
    positionals: { min: 0, max: 0 },
    summary:
      'the reader’s side: archive/ as a site, sign-up with double opt-in and the story so far, one-click unsubscribe, bounce webhooks and (--smtp-port) bounce mail',
    options: {
      port: { type: 'string', value: 'N', description: 'port to listen on (default: 4322)' },
      host: {
        type: 'string',
        value: 'HOST',
        description: 'address to listen on (default: 127.0.0.1; behind a reverse proxy keep it so)',
      },
      'smtp-port': {
        type: 'string',
        value: 'N',
        description: 'also take bounces for bounces.domain by SMTP on this port (e.g. 25)',
      },
      'smtp-host': {
        type: 'string',
        value: 'HOST',
        description: 'address the SMTP port listens on (default: --host)',
      },
    },
    // Fastify stops taking requests and finishes those in flight.
    interrupt: {
      first: 'finishing the requests in flight (Ctrl-C again to stop at once)…',
      second: 'stopping at once',
    },
  },
  {
    name: 'bounces',
    args: '<list | import PATH>',
    positionals: { min: 1, max: 2 },
    summary:
      'the latest bounces and complaints, newest first (list: from the store and archive/bounces.jsonl), or a Maildir, mbox or folder of .eml bounce reports applied (import PATH)',
    options: {
      edition: {
        type: 'string',
        value: 'ID',
        description: 'list: only those about this edition',
      },
      'show-addresses': {
        type: 'boolean',
        description:
          'list: show the store’s addresses instead of their hashes (for your terminal, not a log)',
      },
    },
  },
];
