import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publishableType } from '../content/publishableFile.js';
import { escapeXml } from '../render/escapeXml.js';
import { addressProblem } from '../util/addressProblem.js';
import { isLoopback } from '../util/isLoopback.js';
import { resolveInsideRoot } from '../util/resolveInsideRoot.js';
import { forceDark } from './forceDark.js';
import type { PreviewModel } from './PreviewModel.js';
import { previewPage } from './previewPage.js';
import { watchContent } from './watchContent.js';

export interface PreviewServerOptions {
  model: PreviewModel;
  host: string;
  port: number;
  /** Mail one copy of the edition to `to`; undefined leaves the button off. */
  testSend?: (editionId: string | undefined, to: string) => Promise<string>;
  log?: (line: string) => void;
}

export interface PreviewServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The email is shown in a frame that may load nothing from the network: its
 * images come from the content root through /site/.
 */
const emailPolicy =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self'";

/**
 * Open live-reload streams at once. Each holds a socket (a file descriptor)
 * for as long as its tab is open; a handful of tabs is normal, thousands
 * are a page exhausting the process.
 */
export const maxEventClients = 32;

/**
 * The live preview: an HTTP server on loopback serving the preview page, the
 * rendered edition, and a server-sent event each time a save re-renders it.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const { model } = options;
  const log = options.log ?? (() => {});
  const clients = new Set<ServerResponse>();
  await model.refresh();

  // Renders are coalesced: while one runs, further changes only mark the
  // model dirty, and one more render follows.
  let running: Promise<void> | undefined;
  let dirty = false;
  const rerender = () => {
    if (running) {
      dirty = true;
      return;
    }
    running = (async () => {
      do {
        dirty = false;
        try {
          await model.refresh();
          // Render what the open page shows before telling it to fetch.
          await model.view(model.lastViewed);
        } catch (error) {
          log(`render failed: ${(error as Error).message}`);
        }
      } while (dirty);
      running = undefined;
      for (const client of clients) client.write(`event: render\ndata: ${model.version}\n\n`);
    })();
  };
  const watcher = watchContent(model.root, () => model.templateDir, rerender);

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`preview: ${(error as Error).stack ?? error}`);
      if (!response.headersSent)
        send(response, 500, 'text/plain', 'preview failed; see the terminal');
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // No other site may frame the preview (clickjacking the test send).
    response.setHeader('content-security-policy', "frame-ancestors 'none'");
    response.setHeader('x-frame-options', 'DENY');
    if (!hostAllowed(request.headers.host, options.host))
      return send(response, 421, 'text/plain', 'wrong host');
    const url = new URL(request.url ?? '/', 'http://preview.invalid');
    const route = url.pathname;
    if (request.method === 'POST' && route === '/api/test-send') return testSend(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain', 'method not allowed');
    const edition = url.searchParams.get('edition') || undefined;
    switch (route) {
      case '/':
        return send(response, 200, 'text/html; charset=utf-8', previewPage);
      case '/api/state': {
        // The page names the list it shows: while it is the same, it is left out.
        const { editions, ...state } = model.state();
        return json(
          response,
          url.searchParams.get('list') === state.listKey ? state : { ...state, editions },
        );
      }
      case '/api/view': {
        const { rendered: _rendered, ...view } = await model.view(edition);
        // The page puts `frameHtml` straight into the frame (srcdoc): one
        // request per save instead of two, and the policy travels inside it.
        const frameHtml = view.ok ? withPolicy(localSiteUrls(view.html)) : '';
        return json(response, { ...view, frameHtml });
      }
      case '/email.html':
        return emailHtml(response, edition, url.searchParams.get('scheme') === 'dark');
      case '/email.txt':
        return send(response, 200, 'text/plain; charset=utf-8', (await model.view(edition)).text);
      case '/email.mjml':
        return send(response, 200, 'text/plain; charset=utf-8', (await model.view(edition)).mjml);
      case '/events':
        if (clients.size >= maxEventClients)
          return send(
            response,
            503,
            'text/plain',
            `too many live previews open (${maxEventClients}); close some tabs`,
          );
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        response.write(`event: hello\ndata: ${model.version}\n\n`);
        clients.add(response);
        request.on('close', () => clients.delete(response));
        return;
      default:
        if (route.startsWith('/site/')) return siteFile(request, response);
        return send(response, 404, 'text/plain', 'not found');
    }
  }

  async function emailHtml(
    response: ServerResponse,
    edition: string | undefined,
    dark: boolean,
  ): Promise<void> {
    const view = await model.view(edition);
    let html: string;
    if (!view.ok) {
      html = `<!doctype html><meta charset="utf-8"><body style="font:14px system-ui;padding:16px"><h1 style="font-size:16px">The email cannot be rendered until these are fixed:</h1><ul>${view.problems.map((p) => `<li><code>${escapeXml(p)}</code></li>`).join('')}</ul></body>`;
    } else {
      html = localSiteUrls(view.html);
      if (dark) html = forceDark(html);
    }
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `${emailPolicy}; frame-ancestors 'none'`,
      'cache-control': 'no-store',
    });
    response.end(html);
  }

  /** Point the story's own files at /site/, so the frame needs no network. */
  function localSiteUrls(html: string): string {
    const siteUrl = model.config?.siteUrl;
    return siteUrl ? html.replaceAll(siteUrl, '/site/') : html;
  }

  async function siteFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Decode and resolve the raw path ourselves: the URL class has already
    // folded `..`, but a raw request line may not have been.
    const raw = (request.url ?? '').split('?')[0] ?? '';
    let relative: string;
    try {
      relative = decodeURIComponent(raw.slice('/site/'.length));
    } catch {
      return send(response, 404, 'text/plain', 'not found');
    }
    const type = publishableType(model.root, relative);
    if (!type) return send(response, 404, 'text/plain', 'not found');
    // A symbolic link out of the root, or to data behind a media name, is
    // answered like a traversal: the same 404, nothing about where it leads.
    const resolved = await resolveInsideRoot(model.root, relative);
    if (resolved.status !== 'inside' || !publishableType(model.root, resolved.relative))
      return send(response, 404, 'text/plain', 'not found');
    try {
      // Each save reloads the frame, and with it every image: the browser
      // keeps them and asks whether they changed (no-cache), and an unchanged
      // file is answered 304 from its stamp without being read.
      const stats = await stat(resolved.realPath);
      const etag = `"${stats.size.toString(36)}-${stats.mtimeMs.toString(36)}"`;
      const headers = { 'content-type': type, 'cache-control': 'no-cache', etag };
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, headers);
        response.end();
        return;
      }
      const body = await readFile(resolved.realPath);
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      send(response, 404, 'text/plain', 'not found');
    }
  }

  async function testSend(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Only the preview page may ask: a JSON body (which a cross-site form cannot
    // send without a CORS preflight we never answer) and, when given, our origin.
    const origin = request.headers.origin;
    if (
      !request.headers['content-type']?.startsWith('application/json') ||
      (origin !== undefined && !originAllowed(origin, options.host))
    ) {
      return json(response, { ok: false, error: 'refused' }, 403);
    }
    if (!options.testSend) return json(response, { ok: false, error: 'test sends are off' }, 404);
    let body = '';
    for await (const chunk of request) {
      body += chunk;
      if (body.length > 10_000)
        return json(response, { ok: false, error: 'request too large' }, 413);
    }
    let to = '';
    let edition: string | undefined;
    try {
      const parsed = JSON.parse(body) as { to?: unknown; edition?: unknown };
      to = typeof parsed.to === 'string' ? parsed.to.trim() : '';
      edition = typeof parsed.edition === 'string' && parsed.edition ? parsed.edition : undefined;
    } catch {}
    if (addressProblem(to))
      return json(
        response,
        { ok: false, error: 'expected one address such as you@example.org' },
        400,
      );
    try {
      const description = await options.testSend(edition, to);
      log(`test copy of ${edition ?? 'the pending edition'} sent to ${to} via ${description}`);
      return json(response, { ok: true, description });
    } catch (error) {
      return json(response, { ok: false, error: (error as Error).message }, 502);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    async close() {
      watcher.close();
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running;
    },
  };
}

function withPolicy(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${emailPolicy}">`;
  return /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => `${head}${meta}`)
    : meta + html;
}

/**
 * Answer only to the names this server is reached by, so a web page cannot
 * use DNS rebinding to read the preview from another origin.
 */
function hostAllowed(header: string | undefined, boundHost: string): boolean {
  if (!header) return false;
  const hostname = header.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  // Bound beyond loopback (`--host`), the user chose to be reached by other names.
  return isLoopback(hostname) || !isLoopback(boundHost);
}

/**
 * A test send's `Origin`, when the browser sends one, is the preview's own.
 * `null` (a sandboxed frame, a `data:` page, a redirect) is nobody's.
 */
function originAllowed(origin: string, boundHost: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') && hostAllowed(url.host, boundHost)
  );
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function json(response: ServerResponse, value: unknown, status = 200): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
