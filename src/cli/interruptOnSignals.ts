import type { InterruptSpec } from './commandTable.js';

export interface Interrupts {
  /** Aborted by the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Remove the handlers: a signal after the command ends acts as usual. */
  dispose(): void;
}

export interface InterruptOptions {
  spec: InterruptSpec;
  stderr: NodeJS.WritableStream;
  /** How the process ends at once on the second signal. */
  exit: (code: number) => void;
  /** The process to listen on; tests pass an emitter of their own. */
  process?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * The CLI's handling of SIGINT and SIGTERM for one command run: the first
 * aborts the signal the command was given (a send takes no new recipients
 * and lets those in flight finish), the second exits at once with 130 (the
 * journal already holds every outcome written, and its `sending` lines tell
 * the next run what was in flight).
 */
export function interruptOnSignals(options: InterruptOptions): Interrupts {
  const { spec, stderr, exit } = options;
  const target = options.process ?? process;
  const controller = new AbortController();
  const stop = (name: string) => {
    if (controller.signal.aborted) {
      if (spec.second) stderr.write(`\n${name} again: ${spec.second}\n`);
      exit(130);
      return;
    }
    if (spec.first) stderr.write(`\n${name}: ${spec.first}\n`);
    controller.abort();
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  target.on('SIGINT', onInt);
  target.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose() {
      target.off('SIGINT', onInt);
      target.off('SIGTERM', onTerm);
    },
  };
}
