/** What a command may touch of the process: injected so tests can run commands in-process. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The clock; `STORYLINE_NOW` sets it for tests. */
  now: () => Date;
}
