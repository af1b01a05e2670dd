import type { Config } from '../config/configSchema.js';

type ListConfig = Pick<Config, 'publication' | 'siteUrl' | 'unsubscribe'>;

/**
 * `List-Id` (RFC 2919): the publication and an id made from the site's host
 * and path, e.g. `The Syria Brief <syria-talks.example.org>`.
 */
export function listId(config: ListConfig): string {
  const url = new URL(config.siteUrl);
  const pathPart = url.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.toLowerCase().replace(/[^a-z0-9-]+/g, '-'))
    .reverse()
    .join('.');
  const id = pathPart ? `${pathPart}.${url.hostname}` : url.hostname;
  return `${config.publication.replace(/[<>"\r\n]/g, '')} <${id}>`;
}

/**
 * The per-recipient unsubscribe endpoints: the https URL carrying the token
 * (for the footer and for RFC 8058 one-click POSTs) and the mailto.
 */
export function unsubscribeTargets(
  config: ListConfig,
  token: string,
): { url?: string; mailto?: string } {
  const targets: { url?: string; mailto?: string } = {};
  if (config.unsubscribe.url) {
    const url = new URL(config.unsubscribe.url);
    url.searchParams.set('token', token);
    targets.url = url.href;
  }
  if (config.unsubscribe.mailto) {
    targets.mailto = `mailto:${config.unsubscribe.mailto}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
  }
  return targets;
}

/** `List-Unsubscribe`, `List-Unsubscribe-Post` (RFC 8058, only with an https URL) and `List-Id`. */
export function listHeaders(config: ListConfig, token: string): Record<string, string> {
  const { url, mailto } = unsubscribeTargets(config, token);
  const headers: Record<string, string> = { 'List-Id': listId(config) };
  const targets = [url, mailto].filter((t): t is string => Boolean(t)).map((t) => `<${t}>`);
  if (targets.length > 0) headers['List-Unsubscribe'] = targets.join(', ');
  if (url?.startsWith('https:')) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  return headers;
}
