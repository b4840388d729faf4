// A file produced by a renderer. Schedule files carry absolute paths; runbooks carry paths relative to the
// runbook directory.
export interface RenderedFile {
  path: string;
  content: string;
}

/**
 * Tidies template output so whitespace in templates never shows up as a diff: trailing spaces go, runs of
 * blank lines shrink to one, and the file ends with exactly one newline.
 */
export function tidyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((line) => line.replace(/[ \t]+$/, ''));
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
