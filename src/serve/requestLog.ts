import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * One JSON line per request: method, route (the pattern, never the URL: a
 * query holds tokens, and a legacy token holds an address), status and
 * milliseconds. The client is an HMAC of its IP under the secret, enough to
 * tell one client from many, not to name it.
 */
export function requestLog(
  app: FastifyInstance,
  write: (entry: Record<string, unknown>) => void,
  secret: string,
): void {
  app.addHook('onResponse', async (request, reply) => {
    write({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      client: createHmac('sha256', secret)
        .update(`client:${request.ip}`)
        .digest('base64url')
        .slice(0, 10),
    });
  });
}
