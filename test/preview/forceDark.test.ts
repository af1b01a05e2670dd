import { describe, expect, it } from 'vitest';
import { forceDark } from '../../src/preview/forceDark.js';
import { previewPage } from '../../src/preview/previewPage.js';

const css = `<style>
@media (prefers-color-scheme: dark) { .a { color: #fff; } }
@media(prefers-color-scheme:dark){.b{color:#fff}}
@media (prefers-color-scheme: light) { .c { color: #000; } }
@media only screen and (max-width:480px) { .d { width: 100%; } }
</style>`;

describe('the dark-mode view', () => {
  it('makes every dark-mode rule apply and leaves the others alone', () => {
    expect(forceDark(css)).toBe(`<style>
@media all { .a { color: #fff; } }
@media all{.b{color:#fff}}
@media (prefers-color-scheme: light) { .c { color: #000; } }
@media only screen and (max-width:480px) { .d { width: 100%; } }
</style>`);
  });

  it('is the same function in the preview page as on the server', () => {
    // The page's script declares it from the server's own source; run that.
    const declared = /\nconst forceDark = ([\s\S]*?);\nconst \$ =/.exec(previewPage)?.[1];
    expect(declared).toBe(forceDark.toString());
    const inPage = new Function(`return (${declared});`)() as (html: string) => string;
    expect(inPage(css)).toBe(forceDark(css));
    // And the page applies nothing else of its own to the frame in dark view.
    expect(previewPage.replace(forceDark.toString(), '')).not.toContain('prefers-color-scheme');
  });
});
