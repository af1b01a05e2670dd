import type { Root, RootContent } from 'mdast';
import { remove } from 'unist-util-remove';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';

const unsafeScheme = /^(javascript|vbscript|data|file):/i;

/**
 * Rules on a markdown body: not empty (unless allowed), no raw HTML (comments are allowed and
 * dropped), every image described, every URL present and not a script or an
 * inline payload. Reports on `file`; returns the body without front matter
 * and comments. Pure apart from the messages.
 */
export function lintBody(
  file: VFile,
  tree: Root,
  what: string,
  options: { allowEmpty: boolean },
): Root {
  const body: Root = { ...tree, children: tree.children.filter((node) => node.type !== 'yaml') };
  remove(body, (node) => isComment(node as RootContent));
  const children = body.children;

  if (!options.allowEmpty && !children.some(hasText)) {
    const after = tree.children[0]?.type === 'yaml' ? tree.children[0].position?.end.line : 0;
    reportProblem(
      file,
      `Unexpected empty ${what}, expected at least one paragraph of text below the front matter`,
      { line: (after ?? 0) + 1, column: 1 },
      'empty-body',
    );
  }

  visit(body, (node) => {
    switch (node.type) {
      case 'html':
        // A closing tag always follows an opening one already reported.
        if (!isComment(node) && !/^<\//.test(node.value)) {
          const snippet = node.value.split('\n')[0]?.slice(0, 30) ?? '';
          reportProblem(
            file,
            `Unexpected raw HTML \`${snippet}\`, expected markdown (**bold**, _italic_, [text](https://…), ![alt](image.jpg)); HTML is not carried into the email`,
            node.position,
            'raw-html',
          );
        }
        break;
      case 'image':
      case 'imageReference':
        if (!node.alt?.trim()) {
          reportProblem(
            file,
            'Unexpected image without alt text, expected a description in the brackets: `![what the image shows](…)`',
            node.position,
            'image-alt',
          );
        }
        if (node.type === 'image') checkUrl(file, node.url, node.position, 'image');
        break;
      case 'link':
      case 'definition':
        checkUrl(file, node.url, node.position, 'link');
        break;
      default:
    }
  });
  return body;
}

function checkUrl(
  file: VFile,
  url: string,
  position: RootContent['position'],
  what: 'link' | 'image',
): void {
  const reason = urlProblem(url, what);
  if (reason) reportProblem(file, reason, position, 'unsafe-url');
}

/** Why a link or image URL cannot go in an email, or `undefined` when it can. */
export function urlProblem(url: string, what: 'link' | 'image'): string | undefined {
  // Browsers ignore whitespace and control characters inside a scheme.
  const squeezed = [...url].filter((c) => c > ' ').join('');
  if (squeezed === '' || squeezed === '#') {
    return `Unexpected empty ${what} URL, expected an address such as \`https://example.org/page\``;
  }
  const scheme = unsafeScheme.exec(squeezed);
  if (scheme) {
    return `Unexpected \`${scheme[1]?.toLowerCase()}:\` ${what} URL, expected an \`https:\` address; mail clients block it and it can carry code`;
  }
  if (!parsesAsUrl(url)) {
    return `Unexpected malformed ${what} URL \`${url.slice(0, 60)}\`, expected an address such as \`https://example.org/page\` or a path such as \`images/map.png\``;
  }
  return undefined;
}

/** Whether a URL resolves, as the renderer will resolve it (against a site) and decode its path. */
function parsesAsUrl(url: string): boolean {
  try {
    decodeURIComponent(new URL(url, 'https://example.org/story/').pathname);
    return true;
  } catch {
    return false;
  }
}

function isComment(node: RootContent): boolean {
  return node.type === 'html' && /^\s*<!--[\s\S]*-->\s*$/.test(node.value);
}

function hasText(node: RootContent): boolean {
  // Raw HTML is content the writer meant to be there (reported as raw-html).
  if (node.type === 'html') return true;
  if ('value' in node) return node.value.trim() !== '';
  if (node.type === 'image' || node.type === 'thematicBreak') return true;
  return 'children' in node && (node.children as RootContent[]).some(hasText);
}
