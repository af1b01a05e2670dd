import type { FastifyInstance } from 'fastify';
import { h } from 'hastscript';
import { confirmSubscriber } from '../store/confirmSubscriber.js';
import { findConfirmation } from '../store/findConfirmation.js';
import { hashConfirmationToken } from './confirmationToken.js';
import type { ServeContext } from './ServeContext.js';
import { actionForm, backToStory, say, servePage } from './servePages.js';
import { consentFor } from './signUp.js';
import { tokenFrom } from './tokenFrom.js';

/**
 * Double opt-in's second step. `GET /confirm` only shows a button: mail
 * scanners follow links with GET, and must not confirm anyone. `POST
 * /confirm` confirms, then tells `onConfirmed` (after the commit).
 */
export function confirmRoutes(
  app: FastifyInstance,
  context: ServeContext,
  options: { signUpLimit: object | false },
): void {
  const { config } = context;
  const html = 'text/html; charset=utf-8';
  const { publication } = config;
  const badLink = () =>
    servePage(config, say(config, 'badConfirmLinkTitle'), [
      h('p.problem', say(config, 'badConfirmLink')),
      backToStory(config),
    ]);
  const subscribed = () =>
    servePage(config, say(config, 'subscribedTitle'), [
      h('p', say(config, 'subscribed', { publication })),
      backToStory(config),
    ]);

  app.get('/confirm', async (request, reply) => {
    const token = tokenFrom(request);
    const hash = hashConfirmationToken(token);
    const state = hash ? await findConfirmation(context.store, hash, context.now()) : 'unknown';
    if (state === 'used') return reply.type(html).send(subscribed());
    if (state !== 'valid') return reply.code(400).type(html).send(badLink());
    return reply
      .type(html)
      .send(
        servePage(config, say(config, 'confirmTitle'), [
          h('p', say(config, 'confirmPrompt', { publication })),
          h('p', config.serve.consent),
          actionForm('confirm', { token: token ?? '' }, say(config, 'confirmButton')),
        ]),
      );
  });

  app.post('/confirm', { config: { rateLimit: options.signUpLimit } }, async (request, reply) => {
    const hash = hashConfirmationToken(tokenFrom(request));
    if (!hash) return reply.code(400).type(html).send(badLink());
    const result = await confirmSubscriber(context.store, {
      tokenHash: hash,
      now: context.now(),
      secret: context.secret,
      consent: `confirmed: ${consentFor(context, undefined)}`,
    });
    if (result.kind === 'invalid') return reply.code(400).type(html).send(badLink());
    if (result.kind === 'confirmed') {
      context.log({ event: 'confirmed' });
      context.onConfirmed?.(result.subscriberId);
    }
    return reply.type(html).send(subscribed());
  });
}
