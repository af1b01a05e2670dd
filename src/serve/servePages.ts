import type { ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { styles } from '../archive/storyPage.js';
import { subscribeFormStyles } from '../archive/subscribeForm.js';
import type { Config } from '../config/configSchema.js';
import type { MessageKey } from '../i18n/catalogs/en.js';
import { textDirection } from '../i18n/textDirection.js';
import type { MessageValues } from '../i18n/Words.js';
import { wordsFor } from '../i18n/wordsFor.js';

/**
 * The service's own pages, in the archive's look: a headline, a few
 * sentences, and at most one button. Forms post back to the same origin;
 * no script, so the CSP can forbid all of it.
 */
export function servePage(
  config: Config,
  title: string,
  content: readonly (ElementContent | undefined)[],
): string {
  const page: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: config.locale, dir: textDirection(config.locale) }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('meta', { name: 'robots', content: 'noindex' }),
          h('title', `${title} · ${config.publication}`),
          h('style', styles + subscribeFormStyles + pageStyles),
        ]),
        h('body', [
          h('header', h('a', { href: config.siteUrl }, config.publication)),
          h('main', [
            h('h1', title),
            ...content.filter((node): node is ElementContent => node !== undefined),
          ]),
        ]),
      ]),
    ],
  };
  return toHtml(page);
}

/** A form with one button posting `fields` to `action` (a path on this service). */
export function actionForm(
  action: string,
  fields: Record<string, string>,
  label: string,
): ElementContent {
  return h('form.action', { method: 'post', action }, [
    ...Object.entries(fields).map(([name, value]) => h('input', { type: 'hidden', name, value })),
    h('button', { type: 'submit' }, label),
  ]);
}

/** A paragraph linking back to the story. */
export function backToStory(config: Config): ElementContent {
  return h(
    'p.back',
    h('a', { href: config.siteUrl }, say(config, 'backTo', { publication: config.publication })),
  );
}

/** A word of the service's pages and mails, in the config's locale (catalog, then labels). */
export function say(config: Config, key: MessageKey, values?: MessageValues): string {
  return wordsFor(config.locale, config.labels).get(key, values);
}

const pageStyles = `
main { min-height: 40vh; }
main h1 { font-size: 28px; }
.back { font: 14px/1.5 Helvetica, Arial, sans-serif; margin-top: 28px; }
.problem { border-left: 3px solid #a4312a; padding-left: 14px; }
`;
