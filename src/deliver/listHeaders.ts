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

export interface UnsubscribeTargets {
  url?: string;
  mailto?: string;
}

/**
 * The per-recipient unsubscribe endpoints: the https URL carrying the token
 * (for the footer and for RFC 8058 one-click POSTs) and the mailto.
 */
export function unsubscribeTargets(config: ListConfig, token: string): UnsubscribeTargets {
  return unsubscribeTargetsFor(config)(token);
}

/** Characters a query string keeps as they are; every token is made of them. */
const queryPlain = /^[A-Za-z0-9._-]*$/;
const tokenMarker = 'storylineUnsubscribeToken0';

/**
 * `unsubscribeTargets` for many tokens: the URL is parsed and serialised
 * once, with a marker where the token goes, and each token is dropped in
 * there. A token with any character the query would escape takes the slow
 * way, so the result is always what `URLSearchParams` makes.
 */
export function unsubscribeTargetsFor(config: ListConfig): (token: string) => UnsubscribeTargets {
  const { url: base, mailto } = config.unsubscribe;
  let around: string[] | undefined;
  if (base) {
    const url = new URL(base);
    url.searchParams.set('token', tokenMarker);
    around = url.href.split(tokenMarker);
  }
  const urlFor = (token: string): string | undefined => {
    if (!base) return undefined;
    if (around?.length === 2 && queryPlain.test(token)) return `${around[0]}${token}${around[1]}`;
    const url = new URL(base);
    url.searchParams.set('token', token);
    return url.href;
  };
  return (token) => {
    const targets: UnsubscribeTargets = {};
    const url = urlFor(token);
    if (url !== undefined) targets.url = url;
    if (mailto) {
      targets.mailto = `mailto:${mailto}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
    }
    return targets;
  };
}

/**
 * `List-Unsubscribe` (the URL and the mailto) and, only with an https URL
 * that can take the POST, `List-Unsubscribe-Post` (RFC 8058 one-click).
 */
export function unsubscribeHeaders({ url, mailto }: UnsubscribeTargets): Record<string, string> {
  const headers: Record<string, string> = {};
  const targets = [url, mailto].filter((t): t is string => Boolean(t)).map((t) => `<${t}>`);
  if (targets.length > 0) headers['List-Unsubscribe'] = targets.join(', ');
  if (url?.startsWith('https:')) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  return headers;
}

/** What the footer's "Unsubscribe" links to: the URL, else the mailto, else the site. */
export function footerUnsubscribeUrl(
  targets: UnsubscribeTargets,
  config: Pick<Config, 'siteUrl'>,
): string {
  return targets.url ?? targets.mailto ?? config.siteUrl;
}

/** `List-Id` and the unsubscribe headers for one token. */
export function listHeaders(config: ListConfig, token: string): Record<string, string> {
  return { 'List-Id': listId(config), ...unsubscribeHeaders(unsubscribeTargets(config, token)) };
}
