import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'hastscript';
import { subscribeForm } from '../archive/subscribeForm.js';
import type { ServeContext } from './ServeContext.js';
import { backToStory, say, servePage } from './servePages.js';
import { signUp } from './signUp.js';

/**
 * `POST /subscribe` (a form post, or JSON from a script on the archive,
 * cross-origin when the archive is hosted elsewhere) and `GET /subscribe`
 * (the form on a page of its own).
 */
export function subscribeRoutes(
  app: FastifyInstance,
  context: ServeContext,
  options: { allowedOrigins: () => ReadonlySet<string>; signUpLimit: object | false },
): void {
  const { config } = context;
  const cors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin && options.allowedOrigins().has(origin)) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
    }
  };
  app.options('/subscribe', async (request, reply) => {
    cors(request, reply);
    reply.header('Access-Control-Allow-Methods', 'POST');
    reply.header('Access-Control-Allow-Headers', 'Content-Type');
    reply.header('Access-Control-Max-Age', '86400');
    return reply.code(204).send();
  });
  app.get('/subscribe', async (_request, reply) => {
    const form = subscribeForm(
      { ...config, serve: { ...config.serve, publicUrl: context.publicUrl() } },
      new URL('subscribe', context.publicUrl()).href,
    );
    return reply
      .type('text/html; charset=utf-8')
      .send(servePage(config, config.publication, [form]));
  });
  app.post('/subscribe', { config: { rateLimit: options.signUpLimit } }, async (request, reply) => {
    cors(request, reply);
    const body = (
      typeof request.body === 'object' && request.body !== null ? request.body : {}
    ) as Record<string, unknown>;
    const result = await signUp(context, {
      email: body.email,
      name: body.name,
      website: body.website,
      page: body.page,
    });
    const json = request.headers['content-type']?.startsWith('application/json');
    if (result.kind === 'invalid-address') {
      const message = say(config, 'badAddress', { problem: result.problem });
      if (json) return reply.code(400).send({ ok: false, error: message });
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          servePage(config, say(config, 'badAddressTitle'), [
            h('p.problem', message),
            subscribeForm(
              { ...config, serve: { ...config.serve, publicUrl: context.publicUrl() } },
              new URL('subscribe', context.publicUrl()).href,
            ),
            backToStory(config),
          ]),
        );
    }
    const message = say(config, 'checkInbox');
    if (json) return reply.send({ ok: true, message });
    return reply
      .type('text/html; charset=utf-8')
      .send(
        servePage(config, say(config, 'checkInboxTitle'), [h('p', message), backToStory(config)]),
      );
  });
}
