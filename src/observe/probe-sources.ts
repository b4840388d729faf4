// Source health for plan: ask every source's engine to probe it (5 s each, all at once), and say why a
// source was not probed. A secret that is not set here (PR CI has none) means "not checked", not "down".
import type { Source } from '../generated/policy.js';
import { getEngine, isEngineImplemented } from '../engines/registry.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { ObservedHealth } from '../plan/observed-model.js';
import { SecretReferenceError, findSecretReferences } from '../policy/secrets.js';

export const PROBE_TIMEOUT_MS = 5_000;

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The first secret reference of the source that cannot be resolved here, as its (secret-free) message. */
function missingSecret(source: Source, resolveSecret: (value: string) => string): string | undefined {
  for (const reference of stringsOf(source).flatMap(findSecretReferences)) {
    try {
      resolveSecret(reference);
    } catch (error) {
      if (error instanceof SecretReferenceError) return error.message;
      throw error;
    }
  }
  return undefined;
}

export interface SourceProbe {
  health: ObservedHealth;
  /** Why a backup of the source cannot run here (the plan's due backups become problems), if it cannot. */
  unavailable?: string;
}

async function probeSource(name: string, source: Source, resolveSecret: ((value: string) => string) | undefined): Promise<SourceProbe> {
  if (!isEngineImplemented(source.type)) {
    const detail = `the ${source.type} engine is not implemented yet (validate and render work; backups cannot run)`;
    return { health: { status: 'not-checked', detail }, unavailable: detail };
  }
  const engine = await getEngine(source.type);
  if (!engine.probe) return { health: { status: 'not-checked', detail: `the ${source.type} engine has no probe` } };
  if (!resolveSecret) return { health: { status: 'not-checked', detail: 'secrets are not available to this command' } };
  const missing = missingSecret(source, resolveSecret);
  // Not proven down, so no problem of its own; but a backup due now cannot run here either.
  if (missing) return { health: { status: 'not-checked', detail: missing, secretMissing: true }, unavailable: `source ${name} cannot be reached from here: ${missing}` };
  try {
    await withTimeout(engine.probe({ name, source, data: { source: name, sourceType: source.type }, resolveSecret }), PROBE_TIMEOUT_MS);
    return { health: { status: 'reachable', detail: source.type === 'files' ? 'every path is readable' : `answered the ${source.type} probe` } };
  } catch (error) {
    const detail = (error as Error).message;
    return { health: { status: 'unreachable', detail }, unavailable: `source ${name} is unreachable: ${detail}` };
  }
}

/** Every source of the policy probed at once (a dead source costs its timeout once, not once per source), by name. */
export async function probeSources(policy: ResolvedPolicy, resolveSecret: ((value: string) => string) | undefined): Promise<Record<string, SourceProbe>> {
  const names = Object.keys(policy.sources).sort();
  const results = await Promise.all(names.map((name) => probeSource(name, policy.sources[name]!, resolveSecret)));
  return Object.fromEntries(names.map((name, i) => [name, results[i]!]));
}
