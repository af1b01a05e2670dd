import type { FastifyInstance } from 'fastify';
import { h } from 'hastscript';
import { verifyUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import { escapeXml } from '../render/escapeXml.js';
import { resubscribeSubscriber } from '../store/resubscribeSubscriber.js';
import { unsubscribe } from '../usecases/unsubscribe.js';
import type { ServeContext } from './ServeContext.js';
import { actionForm, backToStory, say, servePage } from './servePages.js';
import { tokenFrom } from './tokenFrom.js';

/**
 * Unsubscribing. `POST /unsubscribe?token=…` is RFC 8058's one-click: a
 * mail provider posts `List-Unsubscribe=One-Click` with no cookies and
 * expects a 2xx, no redirect; the page's own button posts the same. `GET`
 * only shows the button (link scanners must not unsubscribe anyone). After
 * it, a Resubscribe button undoes a slip. All idempotent.
 */
/** Where the token goes in the page rendered once; no token contains it. */
const tokenSlot = 'storyline-token-slot';

export function unsubscribeRoutes(app: FastifyInstance, context: ServeContext): void {
  const { config } = context;
  const html = 'text/html; charset=utf-8';
  const { publication } = config;
  const badToken = () =>
    servePage(config, say(config, 'badUnsubscribeLinkTitle'), [
      h('p.problem', say(config, 'badUnsubscribeLink')),
      backToStory(config),
    ]);

  // Rendered once: one-click POSTs come by the thousand, and only the token differs.
  let unsubscribed: string | undefined;
  const unsubscribedPage = () => {
    unsubscribed ??= servePage(config, say(config, 'unsubscribedTitle'), [
      h('p', say(config, 'unsubscribed', { publication })),
      actionForm('resubscribe', { token: tokenSlot }, say(config, 'resubscribeButton')),
      backToStory(config),
    ]);
    return unsubscribed;
  };

  app.get('/unsubscribe', async (request, reply) => {
    const token = tokenFrom(request) ?? '';
    if (!verifyUnsubscribeToken(token, context.secret))
      return reply.code(400).type(html).send(badToken());
    const action = `unsubscribe?${new URLSearchParams({ token })}`;
    return reply
      .type(html)
      .send(
        servePage(config, say(config, 'unsubscribeTitle', { publication }), [
          h('p', say(config, 'unsubscribePrompt')),
          actionForm(action, {}, say(config, 'unsubscribe')),
          backToStory(config),
        ]),
      );
  });

  // Mail providers post from a few addresses for millions of readers: no per-IP limit here.
  app.post('/unsubscribe', { config: { rateLimit: false } }, async (request, reply) => {
    const token = tokenFrom(request) ?? '';
    const result = await unsubscribe({
      root: context.root,
      who: { token },
      secret: context.secret,
      now: context.now(),
      store: context.store,
      source: 'form',
      suppressionsFile: context.suppressionsFile,
    });
    if (result === 'invalid-token' || result === 'invalid-address')
      return reply.code(400).type(html).send(badToken());
    if (result === 'added') context.log({ event: 'unsubscribed' });
    // A verified token is base64url (and `.` in a legacy one), but escaped all the same.
    return reply.type(html).send(unsubscribedPage().replace(tokenSlot, () => escapeXml(token)));
  });

  app.post('/resubscribe', async (request, reply) => {
    const token = tokenFrom(request) ?? '';
    const address = verifyUnsubscribeToken(token, context.secret);
    if (!address) return reply.code(400).type(html).send(badToken());
    const result = await resubscribeSubscriber(context.store, {
      address,
      now: context.now(),
      secret: context.secret,
      consent: `resubscribed from the unsubscribe page at ${new URL('unsubscribe', context.publicUrl()).href}`,
    });
    if (result.kind === 'refused')
      return reply
        .type(html)
        .send(
          servePage(config, say(config, 'subscribeAgainTitle'), [
            h('p', say(config, 'subscribeAgain')),
            backToStory(config),
          ]),
        );
    if (result.kind === 'resubscribed') {
      context.log({ event: 'resubscribed' });
      context.onConfirmed?.(result.subscriberId);
    }
    return reply
      .type(html)
      .send(
        servePage(config, say(config, 'resubscribedTitle'), [
          h('p', say(config, 'resubscribed', { publication })),
          backToStory(config),
        ]),
      );
  });
}
