// Runbooks: an index (README.md) and one page per category. Paths are relative to the runbook directory.
import { tidyText, type RenderedFile } from './rendered-file.js';
import { buildCategoryView, buildIndexView, type RunbookInput } from './runbook-view.js';
import { renderTemplate } from './templates.js';

export type { RunbookInput, LatestBackup } from './runbook-view.js';
export type { RenderedFile } from './rendered-file.js';

export function renderRunbooks(input: RunbookInput, opts: { templatesDir?: string } = {}): RenderedFile[] {
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
