import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * CSRF protection for the service's forms, by origin rather than by a
 * cookie-bound token: the sign-up form lives on a static archive (perhaps on
 * another host) that cannot hold a per-visitor token, and a one-click
 * unsubscribe arrives from a mail provider's server with no cookies at all.
 * A browser says where a POST comes from (`Origin`, and `Sec-Fetch-Site`);
 * a POST from any page but the archive's and the service's own is refused.
 * A request without either header is not a browser's cross-site form
 * (mail providers' one-click POSTs, curl) and passes: the confirm, unsubscribe
 * and resubscribe actions need an unguessable token anyway.
 */
export function originCheck(allowedOrigins: () => ReadonlySet<string>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.method !== 'POST') return;
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!allowedOrigins().has(origin)) await refuse(reply);
      return;
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') await refuse(reply);
  };
}

async function refuse(reply: FastifyReply): Promise<void> {
  await reply
    .code(403)
    .type('text/plain; charset=utf-8')
    .send('Unexpected request from another site, expected a form on this story’s pages\n');
}
