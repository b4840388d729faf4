// The Handlebars environment of Strata: one isolated instance, its few helpers, and template lookup with
// per-file overrides (an operator's --templates DIR wins for the files it has; the rest are built in).
import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Built-in templates: `templates/` at the package root (two levels up from src/render and dist/render). */
export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export type TemplateName =
  | 'runbook-index.md.hbs'
  | 'runbook-category.md.hbs'
  | 'systemd.service.hbs'
  | 'systemd.timer.hbs'
  | 'cron.hbs';

const handlebars = Handlebars.create();

// No helpers are registered: views are precomputed, so templates only loop ({{#each}}) and branch ({{#if}}).
// Register any future helper here, on this instance only.

type Compiled = (context: unknown) => string;
const cache = new Map<string, Compiled>();

/** Path of the template that applies: the override when templatesDir has the file, else the built-in one. */
export function templatePath(name: TemplateName, templatesDir?: string): string {
  if (templatesDir !== undefined) {
    const override = join(templatesDir, name);
    if (existsSync(override)) return override;
  }
  return join(BUILTIN_TEMPLATES_DIR, name);
}

/** Renders a template with a precomputed view. Templates are read and compiled once per path. */
export function renderTemplate(name: TemplateName, view: unknown, templatesDir?: string): string {
  const path = templatePath(name, templatesDir);
  let compiled = cache.get(path);
  if (!compiled) {
    const source = readFileSync(path, 'utf8');
    // noEscape: output is Markdown, unit files and cron lines, not HTML. Views never hold secrets.
    compiled = handlebars.compile(source, { noEscape: true });
    cache.set(path, compiled);
  }
  return compiled(view);
}
