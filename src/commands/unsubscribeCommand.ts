import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import { UsageError } from '../cli/UsageError.js';
import { secretFromEnv } from '../deliver/secret.js';
import { openConfiguredStore } from '../usecases/openSubscriberStore.js';
import { unsubscribe } from '../usecases/unsubscribe.js';

/** `storyline unsubscribe <token>` (or `--address EMAIL`): suppress an address for good. */
export async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const [token] = positionals;
  const address = typeof values.address === 'string' ? values.address : undefined;
  if (address !== undefined && token !== undefined)
    throw new UsageError('give a <token> or --address EMAIL, not both');
  if (token?.includes('@'))
    throw new UsageError(
      'Unexpected address, expected the token from an unsubscribe link; to unsubscribe an address yourself, pass it with --address',
    );
  if (!(address ?? token)?.trim()) throw new UsageError('missing <token> (or --address EMAIL)');
  const who = address !== undefined ? { address } : { token: token ?? '' };
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) io.stderr.write(`warning: ${warning}\n`);
  const store = await databaseUrlAsUsage(openConfiguredStore(io.env, root));
  let result: Awaited<ReturnType<typeof unsubscribe>>;
  try {
    result = await unsubscribe({ root, who, secret, now: io.now(), store });
  } finally {
    await store?.close();
  }
  // The address is not echoed: this may run in a CI log that others can read.
  switch (result) {
    case 'added':
      io.stdout.write(
        `Unsubscribed: no later edition will be mailed to that address (archive/suppressions.jsonl holds its hash${store ? ', and the subscriber store its status' : ''})\n`,
      );
      return 0;
    case 'already':
      io.stdout.write('Already unsubscribed: nothing changed\n');
      return 0;
    case 'invalid-token':
      io.stderr.write(
        'storyline unsubscribe: Unexpected token that does not verify, expected the `token` value from an unsubscribe link made with this STORYLINE_SECRET\n',
      );
      return 1;
    case 'invalid-address':
      io.stderr.write(
        'storyline unsubscribe: Unexpected address, expected one such as reader@example.org\n',
      );
      return 1;
  }
}
