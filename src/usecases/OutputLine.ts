/** A line for a person, and which stream it belongs on; a command writes it as it is. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export const out = (text: string): OutputLine => ({ stream: 'stdout', text });
export const err = (text: string): OutputLine => ({ stream: 'stderr', text });
