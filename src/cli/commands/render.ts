import type { Command } from 'commander';
import { mkdir, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { CategoryEvidence } from '../../model/evidence.js';
import type { ResolvedPolicy } from '../../model/policy-model.js';
import { readFileOrNull } from '../../observe/read-files.js';
import { renderRunbooks } from '../../render/render-runbooks.js';
import { renderScheduleFiles } from '../../render/render-schedule-files.js';
import { renderedTree } from '../../render/rendered-tree.js';
import { readEvidence } from '../../state/evidence-store.js';
import { writeFileAtomic } from '../../state/write-file-atomic.js';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';

interface RenderOptions extends CommonOptions {
  out?: string;
  check?: boolean;
  evidence?: boolean;
  json?: boolean;
}

/** Everything `render` writes under DIR, in the layout apply uses for render.dir: DIR/<system>/… */
function renderAll(policy: ResolvedPolicy, evidence: Record<string, CategoryEvidence>, out: string, templatesDir?: string) {
  const runbooks = renderRunbooks({ policy, evidence }, { templatesDir, displayBase: process.cwd() });
  const tree = renderedTree(policy, runbooks, renderScheduleFiles(policy, { templatesDir }));
  return tree.map((f) => ({ path: join(out, f.path), content: f.content }));
}

/** --out, else the policy's render.dir (where apply keeps them), else ./runbooks. */
function outputDir(policy: ResolvedPolicy, flag: string | undefined): string {
  return resolve(flag ?? policy.renderDir ?? DEFAULT_OUT);
}

const DEFAULT_OUT = 'runbooks';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let names: import('node:fs').Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of names) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

export function registerRender(program: Command, io: Io): void {
  addCommonOptions(program.command('render'))
    .description('render runbooks and schedule units; --check fails when the files in DIR are stale')
    .option('--out <dir>', `output directory (default: each policy's render.dir, else ./${DEFAULT_OUT}); files land in DIR/<system>/`)
    .option('--check', 'write nothing; exit 1 when a file in DIR is missing, stale or extra')
    .option('--no-evidence', 'leave verification evidence out (for PR CI, which has no state dir)')
    .option('--json', 'print the list of files (and their state with --check) as JSON')
    .action(async (options: RenderOptions) => {
      const ctx = await loadContext(options);
      const files = [];
      const outs = new Map<string, Set<string>>();
      for (const policy of ctx.policies) {
        const out = outputDir(policy, options.out);
        outs.set(out, (outs.get(out) ?? new Set()).add(policy.system));
        const evidence: Record<string, CategoryEvidence> = {};
        if (options.evidence !== false) {
          for (const c of policy.categories) evidence[c.name] = await readEvidence(ctx.stateDir, policy.system, c.name);
        }
        files.push(...renderAll(policy, evidence, out, ctx.templatesDir));
      }
      const results: { path: string; state: 'ok' | 'missing' | 'stale' | 'extra' | 'written' }[] = [];
      for (const file of files) {
        const current = await readFileOrNull(file.path);
        if (options.check) results.push({ path: file.path, state: current === null ? 'missing' : current === file.content ? 'ok' : 'stale' });
        else if (current !== file.content) {
          await mkdir(resolve(file.path, '..'), { recursive: true });
          await writeFileAtomic(file.path, file.content);
          results.push({ path: file.path, state: 'written' });
        } else results.push({ path: file.path, state: 'ok' });
      }
      if (options.check) {
        const wanted = new Set(files.map((f) => f.path));
        for (const [out, systems] of outs) {
          for (const path of await listFiles(out)) {
            const system = relative(out, path).split('/')[0] ?? '';
            if (systems.has(system) && !wanted.has(path)) results.push({ path, state: 'extra' });
          }
        }
      }
      const bad = results.filter((r) => r.state === 'missing' || r.state === 'stale' || r.state === 'extra');
      const outList = [...outs.keys()];
      const shownOut = outList.length === 1 ? relative(process.cwd(), outList[0]!) || '.' : outList.map((o) => relative(process.cwd(), o) || '.').join(', ');
      if (options.json) io.out(JSON.stringify({ format_version: 1, ...(outList.length === 1 ? { out: outList[0] } : { outs: outList }), check: Boolean(options.check), files: results.map((r) => ({ ...r, path: relative(process.cwd(), r.path) })) }, null, 2));
      else if (options.check) {
        for (const r of bad) io.out(`${r.state.padEnd(7)} ${relative(process.cwd(), r.path)}`);
        io.err(bad.length ? `${bad.length} rendered file(s) are out of date: run \`strata render${options.out ? ` --out ${options.out}` : ''}\` and commit the result.` : `All ${results.length} rendered files are up to date.`);
      } else {
        const written = results.filter((r) => r.state === 'written').length;
        io.err(`Rendered ${results.length} file(s) into ${shownOut} (${written} changed).`);
      }
      io.exitCode = options.check && bad.length > 0 ? EXIT.ERROR : EXIT.OK;
    });
}
