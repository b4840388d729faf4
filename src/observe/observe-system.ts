// A read-only snapshot of one system: catalogue per tier, debris, installed schedules, rendered files,
// evidence, the health of every source and tier, and which sources cannot run here. Never writes anything.
import type { CategoryEvidence } from '../model/evidence.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { DesiredFiles, ObservedBucketState, ObservedHealth, ObservedSourceSettings, ObservedSystem, ObservedTier, ScratchLeftover } from '../plan/observed-model.js';
import { readBucketSettings } from '../storage/s3/bucket-settings-io.js';
import { S3Storage } from '../storage/s3/s3-storage.js';
import { sourceSettingsHandler } from '../engines/source-settings.js';
import { LocalStorage } from '../storage/local/local-storage.js';
import type { Storage } from '../storage/storage.js';
import { readEvidence } from '../state/evidence-store.js';
import { isScratchInUse, readScratchJournal } from '../state/scratch-journal.js';
import { readInstalledFiles } from '../state/installed-files.js';
import { computeDesiredFiles } from './desired-files.js';
import { checkLocalTier } from './local-tier-access.js';
import { PROBE_TIMEOUT_MS, probeSources, withTimeout } from './probe-sources.js';
import { readManagedFiles } from './read-files.js';
import { scanTier } from './scan-tier.js';

export interface ObserveRequest {
  policy: ResolvedPolicy;
  stateDir: string;
  /** Storage per tier; a tier whose storage could not be created maps to its error message. */
  storages: Map<string, Storage | Error>;
  templatesDir?: string;
  /** Resolves secrets for source health probes; without it sources are not probed. */
  resolveSecret?: (value: string) => string;
}

export interface ObservedWithDesired {
  observed: ObservedSystem;
  desired: DesiredFiles;
}

async function observeTier(system: string, tier: string, storage: Storage | Error): Promise<ObservedTier> {
  if (storage instanceof Error) {
    // A secret of the tier (e.g. its endpoint) that is not set here: the tier was never asked.
    const notChecked = storage.name === 'SecretReferenceError';
    return { location: '(unavailable)', error: storage.message, ...(notChecked ? { notChecked } : {}), entries: [], debris: [] };
  }
  let scan;
  try {
    scan = await scanTier(storage, tier, `${system}/`);
  } catch (error) {
    return { location: storage.location, error: (error as Error).message, entries: [], debris: [] };
  }
  // A local tier whose directory cannot be written lists fine (or as empty) and fails at the first backup.
  const access = storage instanceof LocalStorage ? await checkLocalTier(storage.location) : {};
  return { location: storage.location, ...access, entries: scan.entries, debris: scan.debris, ...(scan.damaged.length ? { damaged: scan.damaged } : {}) };
}

async function observeBucket(storage: Storage | Error): Promise<ObservedBucketState | undefined> {
  if (!(storage instanceof S3Storage)) return undefined;
  try {
    return { bucket: await readBucketSettings({ client: storage.client, bucket: storage.bucket, region: storage.region }) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Journaled scratch whose restore test is over (its process is gone): leftovers to remove. */
async function observeScratch(stateDir: string, system: string): Promise<ScratchLeftover[]> {
  const records = (await readScratchJournal(stateDir)).filter((r) => r.system === system && !isScratchInUse(r));
  return records.map((r) => ({
    id: r.id, category: r.category, source: r.source, created_at: r.created_at,
    description: [r.handle?.description, r.dir ? `scratch directory ${r.dir}` : undefined].filter(Boolean).join(' and '),
  }));
}

export async function observeSystem(request: ObserveRequest): Promise<ObservedWithDesired> {
  const { policy, stateDir } = request;
  const tiers: Record<string, ObservedTier> = {};
  const buckets: Record<string, ObservedBucketState> = {};
  for (const name of Object.keys(policy.tiers).sort()) {
    const storage = request.storages.get(name) ?? new Error(`no storage for tier ${name}`);
    const bucket = await observeBucket(storage);
    if (bucket) buckets[name] = bucket;
    // A bucket that apply is about to create holds no backups yet: plan the backups instead of reporting an error.
    tiers[name] =
      bucket?.bucket?.exists === false && !(storage instanceof Error)
        ? { location: storage.location, detail: `bucket ${bucket.bucket.bucket} does not exist yet; apply creates it`, entries: [], debris: [] }
        : await observeTier(policy.system, name, storage);
  }
  const evidence: Record<string, CategoryEvidence> = {};
  for (const category of policy.categories) {
    evidence[category.name] = await readEvidence(stateDir, policy.system, category.name);
  }
  const desired = computeDesiredFiles(policy, evidence, request.templatesDir);
  const installed = await readInstalledFiles(stateDir, policy.system);
  // Only files this state dir recorded as written are candidates for removal: a prefix glob could match
  // another system's units (strata-demo-* vs strata-demo-2-*).
  const schedules = await readManagedFiles([...desired.schedules.map((f) => f.path), ...installed.schedules]);
  const rendered = await readManagedFiles([...desired.runbooks.map((f) => f.path), ...installed.rendered]);
  const probes = await probeSources(policy, request.resolveSecret);
  const unavailableSources: Record<string, string> = {};
  const sourceHealth: Record<string, ObservedHealth> = {};
  for (const [name, probe] of Object.entries(probes)) {
    sourceHealth[name] = probe.health;
    if (probe.unavailable) unavailableSources[name] = probe.unavailable;
  }
  const sourceSettings: Record<string, ObservedSourceSettings> = {};
  for (const [name, source] of Object.entries(policy.sources).sort(([a], [b]) => a.localeCompare(b))) {
    const handler = sourceSettingsHandler(source);
    if (!handler) continue;
    const desiredSettings = handler.desired(source);
    if (unavailableSources[name] || !request.resolveSecret) {
      sourceSettings[name] = { desired: desiredSettings, error: unavailableSources[name] ?? 'secrets are not available to this command' };
      continue;
    }
    try {
      sourceSettings[name] = { desired: desiredSettings, actual: await withTimeout(handler.read(source, request.resolveSecret), PROBE_TIMEOUT_MS) };
    } catch (error) {
      sourceSettings[name] = { desired: desiredSettings, error: (error as Error).message };
    }
  }
  const scratch = await observeScratch(stateDir, policy.system);
  return {
    observed: {
      system: policy.system, tiers, schedules, rendered, evidence, unavailableSources, sourceHealth,
      ...(scratch.length ? { scratch } : {}),
      ...(Object.keys(sourceSettings).length ? { sourceSettings } : {}),
      ...(Object.keys(buckets).length ? { buckets } : {}),
    },
    desired,
  };
}
