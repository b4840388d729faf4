// Policy files → resolved policies plus diagnostics. Parsing never throws: every problem becomes a
// diagnostic with a position, and a policy with errors is left out of `policies`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StrataPolicy } from '../generated/policy.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { sortDiagnostics, type Diagnostic } from './diagnostic.js';
import { resolvePolicy } from './resolve-policy.js';
import { runRules, type MeasuredRestores } from './rules/index.js';
import { schemaDiagnostics } from './schema-errors.js';
import { policyValidator } from './schema.js';
import { parseWellFormedYaml, parseYamlSource, type YamlSource } from './yaml-source.js';

export interface PolicySet {
  policies: ResolvedPolicy[];
  diagnostics: Diagnostic[];
  /** Absolute paths of the policy files read, in load order. */
  files: string[];
}

export interface LoadedPolicyText {
  policy?: ResolvedPolicy;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Measured restore times (from a state dir), for the RTO check; without them it counts storage waits only. */
  measuredRestores?: MeasuredRestores;
}

/** Parses, validates and resolves one policy file's text. Pure: `file` only names it (and anchors relative paths). */
export function loadPolicyText(file: string, text: string, options: LoadOptions = {}): LoadedPolicyText {
  return loadWithSource(file, text, options).result;
}

function loadWithSource(file: string, text: string, options: LoadOptions): { result: LoadedPolicyText; source?: YamlSource; data?: unknown } {
  const abs = path.resolve(file);
  const fast = parseWellFormedYaml(text);
  if (fast) return { ...checkData(abs, fast.data, fast.source, [], options), data: fast.data };
  const { source, errors } = parseYamlSource(text);
  const diagnostics: Diagnostic[] = errors.map((e) => ({ ...e, file: abs }));
  // Only duplicate keys leave a document worth validating further.
  if (diagnostics.some((d) => d.code !== 'duplicate-key')) return { result: { diagnostics: sortDiagnostics(diagnostics) }, source };

  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    diagnostics.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML error: ${(e as Error).message}`,
      hint: 'check anchors (&name) and aliases (*name) in this file',
      file: abs,
      line: 1,
      col: 1,
    });
    return { result: { diagnostics }, source };
  }
  return { ...checkData(abs, data, source, diagnostics, options), data };
}

/** Schema, resolution and rules, on the document's data (`diagnostics`: what the YAML layer already found). */
function checkData(abs: string, data: unknown, source: YamlSource, diagnostics: Diagnostic[], options: LoadOptions): { result: LoadedPolicyText; source: YamlSource } {
  if (data === null || data === undefined) {
    diagnostics.push({
      severity: 'error',
      code: 'empty-policy',
      message: 'the policy file is empty',
      hint: 'start with `version: 1` and `system: <name>`, then define sources, tiers and categories',
      file: abs,
      line: 1,
      col: 1,
    });
    return { result: { diagnostics }, source };
  }

  const validate = policyValidator();
  if (!validate(data)) {
    diagnostics.push(...schemaDiagnostics(validate.errors ?? [], data, abs, source.locate));
    return { result: { diagnostics: sortDiagnostics(diagnostics) }, source };
  }
  const raw = data as StrataPolicy;
  const policy = resolvePolicy(abs, raw);
  diagnostics.push(...runRules({ file: abs, raw, policy, locate: source.locate, measuredRestores: options.measuredRestores }));
  const sorted = sortDiagnostics(diagnostics);
  const ok = !sorted.some((d) => d.severity === 'error');
  return { result: ok ? { policy, diagnostics: sorted } : { diagnostics: sorted }, source };
}

/**
 * Policy inputs, in order of precedence: `--policies` paths, then STRATA_POLICIES (split on `:`),
 * then ./policies. Returned as absolute paths.
 */
export function resolvePolicyInputs(cliPaths: string[] | undefined, env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env, cwd: string = process.cwd()): string[] {
  if (cliPaths && cliPaths.length > 0) return cliPaths.map((p) => path.resolve(cwd, p));
  const fromEnv = env.STRATA_POLICIES?.split(':').filter((p) => p.trim() !== '');
  if (fromEnv && fromEnv.length > 0) return fromEnv.map((p) => path.resolve(cwd, p));
  return [path.resolve(cwd, 'policies')];
}

function isPolicyFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** Expands directories (their *.yaml / *.yml files, sorted, not recursive) and reports missing inputs. */
function expandInputs(inputs: string[]): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      diagnostics.push({
        severity: 'error',
        code: 'policy-not-found',
        message: `policy path ${input} does not exist`,
        hint: 'pass policy files or directories with --policies, set STRATA_POLICIES, or create ./policies',
        file: abs,
        line: 1,
        col: 1,
      });
      continue;
    }
    if (stat.isDirectory()) {
      const found = fs
        .readdirSync(abs)
        .filter(isPolicyFile)
        .sort()
        .map((n) => path.join(abs, n))
        .filter((f) => fs.statSync(f).isFile());
      if (found.length === 0) {
        diagnostics.push({
          severity: 'error',
          code: 'no-policy-files',
          message: `directory ${input} holds no policy files (*.yaml, *.yml)`,
          hint: 'add a policy file to it, or point --policies at the right directory',
          file: abs,
          line: 1,
          col: 1,
        });
      }
      files.push(...found);
    } else {
      files.push(abs);
    }
  }
  return { files: [...new Set(files)], diagnostics };
}

export async function loadPolicies(inputs: string[], options: LoadOptions = {}): Promise<PolicySet> {
  const { files, diagnostics } = expandInputs(inputs);
  const loaded: { file: string; result: LoadedPolicyText; source?: YamlSource; system?: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'policy-unreadable',
        message: `cannot read policy file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        hint: 'check the file permissions',
        file,
        line: 1,
        col: 1,
      });
      continue;
    }
    const { result, source, data } = loadWithSource(file, text, options);
    const system = systemOf(data);
    loaded.push({ file, result, source, system });
    diagnostics.push(...result.diagnostics);
  }

  // The same system in two files would share storage paths, units and locks.
  const rejected = new Set<string>();
  const bySystem = new Map<string, typeof loaded>();
  for (const l of loaded) {
    if (l.system === undefined) continue;
    bySystem.set(l.system, [...(bySystem.get(l.system) ?? []), l]);
  }
  for (const [system, group] of bySystem) {
    if (group.length < 2) continue;
    for (const l of group) {
      const others = group.filter((o) => o !== l).map((o) => path.relative(path.dirname(l.file), o.file) || o.file);
      const pos = l.source?.locate(['system'], 'value') ?? { line: 1, col: 1 };
      diagnostics.push({
        severity: 'error',
        code: 'duplicate-system',
        message: `system \`${system}\` is also defined in ${others.join(', ')}`,
        hint: 'each policy file protects one system with a unique name; rename one or merge the files',
        file: l.file,
        ...pos,
        path: '/system',
      });
      rejected.add(l.file);
    }
  }

  const policies = loaded.filter((l) => l.result.policy && !rejected.has(l.file)).map((l) => l.result.policy as ResolvedPolicy);
  return { policies, diagnostics: sortDiagnostics(diagnostics), files };
}

function systemOf(data: unknown): string | undefined {
  const v = typeof data === 'object' && data !== null ? (data as { system?: unknown }).system : undefined;
  return typeof v === 'string' ? v : undefined;
}
