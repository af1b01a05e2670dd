import type { FastifyRequest } from 'fastify';

/** The `token` of a request: from a form's body, else from the query (the link's own URL). */
export function tokenFrom(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (typeof body === 'object' && body !== null && 'token' in body) {
    const value = (body as { token: unknown }).token;
    if (typeof value === 'string') return value;
  }
  const query = request.query as Record<string, unknown> | undefined;
  const value = query?.token;
  return typeof value === 'string' ? value : undefined;
}
