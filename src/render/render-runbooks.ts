// Runbooks: an index (README.md) and one page per category. Paths are relative to the runbook directory.
import { policyForDisplay } from './display-paths.js';
import { tidyText, type RenderedFile } from './rendered-file.js';
import { buildCategoryView, buildIndexView, type RunbookInput } from './runbook-view.js';
import { renderTemplate } from './templates.js';

export type { RunbookInput, LatestBackup } from './runbook-view.js';
export type { RenderedFile } from './rendered-file.js';

export interface RunbookOptions {
  /** Directory whose templates override the built-in ones, file by file. */
  templatesDir?: string;
  /**
   * Show absolute paths under this directory relative to it (e.g. the repository root), so runbooks
   * rendered from different checkouts are identical. Schedule files always keep absolute paths.
   */
  displayBase?: string;
}

export function renderRunbooks(given: RunbookInput, opts: RunbookOptions = {}): RenderedFile[] {
  const display = policyForDisplay(given.policy, opts.displayBase);
  const input: RunbookInput = { ...given, policy: display.policy, relativePaths: display.relative };
  const categories = [...input.policy.categories].sort((a, b) => a.name.localeCompare(b.name));
  const files: RenderedFile[] = [
    { path: 'README.md', content: tidyText(renderTemplate('runbook-index.md.hbs', buildIndexView(input), opts.templatesDir)) },
  ];
  for (const category of categories) {
    files.push({
      path: `${category.name}.md`,
      content: tidyText(renderTemplate('runbook-category.md.hbs', buildCategoryView(input, category), opts.templatesDir)),
    });
  }
  return files;
}
