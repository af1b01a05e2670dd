/** What a command may touch of the process: injected so tests can run commands in-process. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The clock; `STORYLINE_NOW` sets it for tests. */
  now: () => Date;
  /**
   * Aborted when the command should stop (the CLI's first SIGINT or SIGTERM,
   * for a command whose table entry says how it stops). Signal handlers and
   * `process.exit` belong to the CLI; a command and its use cases see only this.
   */
  signal?: AbortSignal;
}
