import type { Element } from 'hast';
import { h } from 'hastscript';
import type { Config } from '../config/configSchema.js';
import { wordsFor } from '../i18n/wordsFor.js';

/**
 * The sign-up form every archive page carries once `serve.publicUrl` says
 * where `storyline serve` runs: a plain POST (no JavaScript), cross-origin
 * when the archive is hosted elsewhere. `website` is a honeypot: hidden from
 * people and from screen readers, filled in by bots. `page` tells the
 * service which page the reader signed up on, kept as proof of consent.
 * Without a public URL there is nowhere to post to, so no form.
 */
export function subscribeForm(config: Config, pageUrl: string): Element | undefined {
  const { publicUrl } = config.serve;
  if (!publicUrl) return undefined;
  const words = wordsFor(config.locale, config.labels);
  return h('form.subscribe', { method: 'post', action: new URL('subscribe', publicUrl).href }, [
    h('h2', words.get('subscribeHeading')),
    h('p.consent', config.serve.consent),
    h('label', { for: 'subscribe-email' }, words.get('subscribeEmail')),
    h('input#subscribe-email', {
      type: 'email',
      name: 'email',
      required: true,
      autoComplete: 'email',
      maxLength: 254,
    }),
    h('label', { for: 'subscribe-name' }, words.get('subscribeName')),
    h('input#subscribe-name', { type: 'text', name: 'name', autoComplete: 'name', maxLength: 200 }),
    h('div.subscribe-hp', { ariaHidden: 'true' }, [
      h('label', { for: 'subscribe-website' }, words.get('subscribeHoneypot')),
      h('input#subscribe-website', {
        type: 'text',
        name: 'website',
        tabIndex: -1,
        autoComplete: 'off',
      }),
    ]),
    h('input', { type: 'hidden', name: 'page', value: pageUrl }),
    h('button', { type: 'submit' }, words.get('subscribeButton')),
  ]);
}

/** The form's look, for the archive's pages and the service's own. */
export const subscribeFormStyles = `
.subscribe { margin: 32px 0 8px; padding: 20px; background: #f3f1ec; border-top: 3px solid #a4312a; font: 15px/1.5 Helvetica, Arial, sans-serif; }
.subscribe h2 { border: 0; padding: 0; margin: 0 0 8px; color: #1f2328; }
.subscribe .consent { margin: 0 0 12px; color: #4a4540; }
.subscribe label { display: block; font-weight: 700; font-size: 13px; margin: 10px 0 4px; }
.subscribe input[type=email], .subscribe input[type=text] { box-sizing: border-box; width: 100%; font: 16px/1.4 Helvetica, Arial, sans-serif; padding: 10px; border: 1px solid #b8b2a8; border-radius: 3px; background: #fff; color: #1f2328; }
.subscribe button, .action button { margin-top: 14px; font: 700 16px/1 Helvetica, Arial, sans-serif; padding: 12px 22px; border: 0; border-radius: 3px; background: #a4312a; color: #fff; cursor: pointer; }
.subscribe button:focus-visible, .action button:focus-visible, .subscribe input:focus-visible { outline: 3px solid #c98a00; outline-offset: 2px; }
.subscribe-hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
@media (prefers-color-scheme: dark) {
  .subscribe { background: #121416; }
  .subscribe h2 { color: #e4e1da; }
  .subscribe .consent { color: #c9c4bb; }
}
`;
