import type { Point } from 'unist';
import type { VFile } from 'vfile';
import { contrastRatio } from './parseColour.js';
import { type ColourScheme, type TemplateColour, templateColours } from './templateColours.js';

/** WCAG 2 AA: body text, and large text (24 px, or 18.66 px bold). */
export const minimumContrast = { body: 4.5, large: 3 } as const;

export interface ContrastProblem {
  path: string;
  place: Point | undefined;
  reason: string;
}

/**
 * Template colours that fall short of WCAG AA, each at the line of its text
 * colour. The template says which colours it uses, not which text lands on
 * which background, so every text colour of a scheme is measured against
 * every background of that scheme and the worst pair is reported: light
 * against the colours outside the dark-mode media query, dark against those
 * inside it.
 */
export function checkTemplateContrast(files: readonly VFile[]): ContrastProblem[] {
  const colours = templateColours(files);
  const problems: ContrastProblem[] = [];
  for (const scheme of ['light', 'dark'] as const satisfies ColourScheme[]) {
    const backgrounds = colours.filter((c) => c.role === 'background' && c.scheme === scheme);
    for (const text of colours.filter((c) => c.role === 'text' && c.scheme === scheme)) {
      let worst: { background: TemplateColour; ratio: number } | undefined;
      for (const background of backgrounds) {
        const ratio = contrastRatio(text.rgb, background.rgb);
        if (!worst || ratio < worst.ratio) worst = { background, ratio };
      }
      const needed = text.large ? minimumContrast.large : minimumContrast.body;
      if (!worst || worst.ratio >= needed) continue;
      const line = worst.background.place?.line ?? 1;
      const where =
        worst.background.path === text.path
          ? `line ${line}`
          : `${worst.background.path.split(/[\\/]/).slice(-2).join('/')}:${line}`;
      problems.push({
        path: text.path,
        place: text.place,
        reason: `Unexpected contrast of ${floor(worst.ratio)}:1 between text \`${text.value}\` and background \`${worst.background.value}\` (${where}) in ${scheme} mode, expected at least ${needed}:1 (WCAG AA for ${text.large ? 'large' : 'body'} text); make the text ${scheme === 'light' ? 'darker' : 'lighter'} or the background ${scheme === 'light' ? 'lighter' : 'darker'}`,
      });
    }
  }
  return problems;
}

/** Rounded down, so 4.49 never reads as the 4.5 it falls short of. */
function floor(ratio: number): string {
  return (Math.floor(ratio * 100) / 100).toFixed(2);
}
