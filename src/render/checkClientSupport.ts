import type { Point } from 'unist';
import { VFile } from 'vfile';
import { location } from 'vfile-location';
import type { EmailClient } from '../config/configSchema.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { EmailFeatures, type FoundFeature } from './emailFeatures.js';

type Caniemail = typeof import('caniemail');
let caniemailPromise: Promise<Caniemail> | undefined;
let featuresPromise: Promise<EmailFeatures> | undefined;

/** caniemail holds its whole data set (~1 MB of JSON): loaded on the first check only. */
function loadFeatures(): Promise<EmailFeatures> {
  caniemailPromise ??= import('caniemail');
  featuresPromise ??= caniemailPromise.then((module) => new EmailFeatures(module));
  return featuresPromise;
}

/**
 * What mjml writes on its own, whatever the template says, and why a client
 * that lacks it loses nothing: found in the rendered HTML, these are counted
 * as filtered, not reported. A feature the template itself uses is reported
 * at the template's line even when mjml uses it too.
 */
export const mjmlFallbacks: Readonly<Record<string, string>> = {
  '@media':
    "mjml's responsive columns (`@media only screen and (min-width:480px)`): a client without media queries shows the stacked, mobile layout",
  'Attribute selector':
    "mjml's `[owa]` rules for Outlook on the web, beside the class rules every client reads",
  'Chaining selectors':
    "mjml's reset (`.mj-outlook-group-fix`, `.moz-text-html .mj-column-per-100`), a fallback for the clients that read it",
  'word-break':
    "mjml's `word-break:break-word` on every `mj-text` cell, so long words do not widen the email where it is supported",
  'word-spacing': "mjml's `word-spacing:normal` reset on `<body>` and its wrapper",
  'border-spacing': 'mjml\'s `border-spacing:0` on `mj-image` tables, next to `cellspacing="0"`',
  outline: "mjml's `outline:none` on images, a reset",
  'role attribute':
    'mjml\'s `role="presentation"` on layout tables and `role="article"` on its wrapper, for screen readers',
  'aria-label attribute': "mjml's `aria-label` on its wrapper (the subject), for screen readers",
  '<body> element':
    "mjml's `<body>`: Yahoo's apps drop it, which is why mjml repeats the background and width on its wrapper",
};

/**
 * The template's media queries: a client without them skips the block whole
 * and shows the styles outside it (the light scheme), so neither the query
 * nor what is inside it is reported for that client.
 */
export const mediaQueryFallback =
  'media queries (the dark scheme) and the rules inside them, for a client without media queries: it shows the styles outside them';

/** The bucket for features inside Outlook's conditional comments and VML. */
export const outlookOnly =
  '`<!--[if mso | IE]>` blocks and VML, which only Outlook for Windows reads: the fallbacks themselves';

export interface ClientSupportCounts {
  /** Places in the rendered HTML using a feature some listed client does not support. */
  found: number;
  /** Of those, mjml's own fallbacks (`mjmlFallbacks`, `outlookOnly`). */
  filtered: number;
  /** Warnings given: one per template place (or per feature not from the template). */
  reported: number;
}

export interface ClientSupportResult {
  files: VFile[];
  counts: ClientSupportCounts;
  /** Filtered places by reason. */
  filteredBy: Record<string, number>;
}

interface NiceNames {
  family: Record<string, string>;
  platform: Record<string, string>;
}

interface Report {
  file: string;
  offset: number | undefined;
  title: string;
  clients: Set<EmailClient>;
  /** The rendered HTML's line, for a feature not from the template. */
  rendered: number | undefined;
}

interface TemplateFile {
  path: string;
  value: unknown;
}

/**
 * Check the rendered HTML against caniemail's data for the listed clients,
 * offline. Each feature that a client does not support (`n` in its latest
 * test) is reported as a warning at the template file and line that uses it;
 * what mjml writes itself is counted and left out; anything else (storyline's
 * own markup) is reported at the template's `<mj-body>`.
 */
export async function checkClientSupport(
  html: string,
  templateFiles: readonly TemplateFile[],
  mainTemplate: string,
  clients: readonly EmailClient[],
): Promise<ClientSupportResult> {
  const features = await loadFeatures();
  const caniemail = await (caniemailPromise as Promise<Caniemail>);
  const byTitle = new Map(caniemail.rawData.data.map((f) => [f.title, f]));
  // The data's field is `nicenames`; the package's type calls it `nice_names`.
  const nice = (caniemail.rawData as unknown as { nicenames: NiceNames }).nicenames;
  const unsupportedBy = (title: string): EmailClient[] => {
    const stats = byTitle.get(title)?.stats as
      | Record<string, Record<string, Record<string, string>> | undefined>
      | undefined;
    return clients.filter((client) => {
      const [family = '', platform = ''] = client.split('.');
      const versions = stats?.[family]?.[platform];
      if (!versions) return false;
      // As caniemail does: the latest test is the last key in string order.
      const latest = Object.keys(versions).sort().at(-1);
      return latest !== undefined && (versions[latest] ?? '').startsWith('n');
    });
  };
  const clientName = (client: EmailClient) => {
    const [family = '', platform = ''] = client.split('.');
    return `${nice.family[family] ?? family} (${nice.platform[platform] ?? platform})`;
  };

  // Where the template uses each feature.
  const inTemplate = new Map<string, { file: TemplateFile; offset: number; inMedia: boolean }[]>();
  for (const file of templateFiles) {
    for (const found of templateFeatures(String(file.value), features)) {
      const places = inTemplate.get(found.title) ?? [];
      places.push({ file, offset: found.offset, inMedia: found.inMedia === true });
      inTemplate.set(found.title, places);
    }
  }
  const withoutMedia = new Set(unsupportedBy('@media'));

  const counts: ClientSupportCounts = { found: 0, filtered: 0, reported: 0 };
  const filteredBy: Record<string, number> = {};
  const reports = new Map<string, Report>();
  const report = (
    file: string,
    offset: number | undefined,
    title: string,
    lacking: EmailClient[],
    rendered?: number,
  ) => {
    // Not from the template: one warning per feature, at its first place.
    const key = `${file}\0${offset ?? ''}\0${title}`;
    const entry: Report = reports.get(key) ?? {
      file,
      offset,
      title,
      clients: new Set(),
      rendered,
    };
    for (const client of lacking) entry.clients.add(client);
    reports.set(key, entry);
  };

  const conditional = conditionalRanges(html);
  for (const found of renderedFeatures(html, features)) {
    const lacking = unsupportedBy(found.title);
    if (lacking.length === 0) continue;
    counts.found++;
    const places = inTemplate.get(found.title);
    if (places) {
      let reported = false;
      for (const place of places) {
        const media = found.title === '@media' || place.inMedia;
        const missing = media ? lacking.filter((c) => !withoutMedia.has(c)) : lacking;
        if (missing.length === 0) continue;
        report(place.file.path, place.offset, found.title, missing);
        reported = true;
      }
      if (!reported) {
        counts.filtered++;
        filteredBy[mediaQueryFallback] = (filteredBy[mediaQueryFallback] ?? 0) + 1;
      }
      continue;
    }
    const reason = conditional.some(([start, end]) => found.offset >= start && found.offset < end)
      ? outlookOnly
      : mjmlFallbacks[found.title];
    if (reason) {
      counts.filtered++;
      filteredBy[reason] = (filteredBy[reason] ?? 0) + 1;
      continue;
    }
    report(mainTemplate, undefined, found.title, lacking, lineOf(html, found.offset));
  }

  const files = new Map<string, VFile>();
  for (const entry of reports.values()) {
    const template = templateFiles.find((f) => f.path === entry.file);
    let file = files.get(entry.file);
    if (!file) {
      file = new VFile({ path: entry.file, value: template ? String(template.value) : '' });
      files.set(entry.file, file);
    }
    let place: Point | undefined;
    if (entry.offset !== undefined) {
      place = location(file).toPoint(entry.offset);
    } else {
      const body = String(file.value).search(/<mj-body\b/);
      place = body >= 0 ? location(file).toPoint(body) : undefined;
    }
    const feature = byTitle.get(entry.title);
    const names = [...entry.clients].map(clientName).join(', ');
    const origin =
      entry.offset === undefined
        ? ` in the rendered HTML (line ${entry.rendered}, written by storyline or mjml, not this template)`
        : '';
    reportProblem(
      file,
      `Unexpected \`${entry.title}\`${origin}, not supported by ${names}; expected what every client in \`clients\` supports (${feature?.url ?? 'caniemail.com'}): use another way, or accept that ${entry.clients.size === 1 ? 'this client ignores' : 'these clients ignore'} it`,
      place,
      'client-support',
      'warning',
    );
    counts.reported++;
  }
  return { files: [...files.values()], counts, filteredBy };
}

const styleElement = /(<style\b[^>]*>)([\s\S]*?)<\/style>/gi;
const startTag = /<([a-z][a-z0-9:-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const styleAttribute = /\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

/** Every feature of rendered HTML, conditional comments included (they are filtered later). */
function renderedFeatures(html: string, features: EmailFeatures): FoundFeature[] {
  const found: FoundFeature[] = [];
  const sheets: [number, number][] = [];
  for (const match of html.matchAll(styleElement)) {
    const start = match.index + (match[1]?.length ?? 0);
    sheets.push([start, start + (match[2]?.length ?? 0)]);
    for (const feature of features.stylesheet(match[2] ?? '', { selectors: true })) {
      found.push({ title: feature.title, offset: start + feature.offset });
    }
  }
  for (const match of html.matchAll(startTag)) {
    if (sheets.some(([start, end]) => match.index >= start && match.index < end)) continue;
    found.push(...tagFeatures(match[0], match.index, features));
  }
  return found;
}

/** Attributes of `mj-*` elements that are not CSS. */
const mjmlOnlyAttributes = new Set([
  'mj-class',
  'css-class',
  'name',
  'path',
  'href',
  'src',
  'alt',
  'title',
  'rel',
  'target',
  'lang',
  'dir',
  'inline',
  'owa',
  'mode',
  'align',
]);

/**
 * Features of a template file: its `mj-style` rules (selectors only where
 * they reach the client: an `inline` block is inlined by mjml), the
 * attributes of its `mj-*` elements (mjml writes most of them as CSS) and
 * the HTML of `mj-raw` and `mj-text`.
 */
function templateFeatures(text: string, features: EmailFeatures): FoundFeature[] {
  const found: FoundFeature[] = [];
  const blocks: [number, number][] = [];
  for (const match of text.matchAll(/(<mj-style\b([^>]*)>)([\s\S]*?)<\/mj-style>/g)) {
    const start = match.index + (match[1]?.length ?? 0);
    blocks.push([start, start + (match[3]?.length ?? 0)]);
    const inline = /\binline\s*=\s*"inline"/.test(match[2] ?? '');
    for (const feature of features.stylesheet(match[3] ?? '', { selectors: !inline })) {
      found.push({ ...feature, offset: start + feature.offset });
    }
  }
  for (const match of text.matchAll(startTag)) {
    if (blocks.some(([start, end]) => match.index >= start && match.index < end)) continue;
    const name = (match[1] ?? '').toLowerCase();
    if (!name.startsWith('mj-')) {
      found.push(...tagFeatures(match[0], match.index, features));
      continue;
    }
    for (const attr of match[0].matchAll(/\s([a-z-]+)\s*=\s*"([^"]*)"/gi)) {
      const attribute = (attr[1] ?? '').toLowerCase();
      if (mjmlOnlyAttributes.has(attribute)) continue;
      for (const title of features.declaration(attribute, attr[2] ?? '')) {
        found.push({ title, offset: match.index + attr.index + 1 });
      }
    }
  }
  return found;
}

function tagFeatures(tag: string, offset: number, features: EmailFeatures): FoundFeature[] {
  const found = features.element(tag, offset);
  const style = styleAttribute.exec(tag);
  if (style) found.push(...features.styleAttribute(style[1] ?? style[2] ?? '', offset));
  return found;
}

/** `<!--[if mso …]> … <![endif]-->` (and `[if IE]`): read by Outlook for Windows alone. */
function conditionalRanges(html: string): [number, number][] {
  return [...html.matchAll(/<!--\[if\s+(?:mso|IE)[^\]]*\]>[\s\S]*?<!\[endif\]-->/gi)].map((m) => [
    m.index,
    m.index + m[0].length,
  ]);
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}
