// The manual fallback of a runbook: restoring a category with standard CLIs only, for when Strata itself
// is broken. Relies on the storage layout and manifest format, which are stable contracts.
import type { Source } from '../generated/policy.js';
import type { ResolvedCategory, ResolvedPolicy, ResolvedTier } from '../model/policy-model.js';
import { shellReference } from './format-text.js';
import { redisCliTlsFlags } from './redis-cli-tls.js';
import { awsFlags, backupLocation, shellInterpolate } from './tier-location.js';

export interface FallbackFind {
  tier: string;
  storage: 'local' | 's3';
  commands: string[];
}

export interface FallbackSource {
  source: string;
  type: Source['type'];
  finds: FallbackFind[];
  /** Check and unpack the backup that $MANIFEST points at. */
  unpack: string[];
  /** Engine-specific steps after unpacking (load into the database), if any. */
  load: string[];
}

export const IDENTITY_VAR = 'STRATA_AGE_IDENTITY_FILE';
const DOWNLOAD_DIR = '/restore/download';
const COLD_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** Where a source's unpacked data goes: the same place `strata restore --to /restore/<category>` uses. */
export function restoreDir(category: ResolvedCategory, source: string): string {
  return category.data.length > 1 ? `/restore/${category.name}/${source}` : `/restore/${category.name}`;
}

function findCommands(policy: ResolvedPolicy, category: string, source: string, tier: ResolvedTier): FallbackFind {
  const location = backupLocation(tier, policy.system, category, source);
  if (tier.storage.type === 'local') {
    return {
      tier: tier.name,
      storage: 'local',
      commands: [
        `MANIFEST=$(find "${shellInterpolate(location)}" -mindepth 4 -maxdepth 4 -name manifest.json | sort | tail -n 1)`,
      ],
    };
  }
  const flags = awsFlags(tier);
  const bucket = shellInterpolate(tier.storage.bucket);
  const commands = [
    `KEY=$(aws s3 ls --recursive "${shellInterpolate(location)}"${flags} | awk '{print $4}' | grep '/manifest\\.json$' | sort | tail -n 1)`,
  ];
  if (tier.storageClass && COLD_CLASSES.has(tier.storageClass)) {
    commands.push(
      `# ${tier.storageClass} objects must be restored before download (hours), for the manifest and the artifact:`,
      `#   aws s3api restore-object --bucket "${bucket}" --key "$KEY" --restore-request Days=7${flags}`,
    );
  }
  commands.push(
    `aws s3 cp --recursive "s3://${bucket}/$(dirname "$KEY")/" "${DOWNLOAD_DIR}/$(dirname "$KEY")/"${flags}`,
    `MANIFEST="${DOWNLOAD_DIR}/$KEY"`,
  );
  return { tier: tier.name, storage: 's3', commands };
}

/** The decode pipeline: decrypt, decompress, then extract (tar) or write one file. */
function decodeCommand(category: ResolvedCategory, sink: { tarDir: string } | { file: string }): string {
  const stages: string[] = [];
  if (category.recipients.length > 0) stages.push(`age -d -i "$${IDENTITY_VAR}" "$ARTIFACT"`);
  if (category.compression !== 'none') {
    const tool = category.compression === 'zstd' ? 'zstd' : 'gzip';
    stages.push(stages.length > 0 ? `${tool} -d` : `${tool} -dc "$ARTIFACT"`);
  }
  if ('tarDir' in sink) {
    stages.push(stages.length > 0 ? `tar -xpf - -C ${sink.tarDir}` : `tar -xpf "$ARTIFACT" -C ${sink.tarDir}`);
    return stages.join(' | ');
  }
  return stages.length > 0 ? `${stages.join(' | ')} > ${sink.file}` : `cp "$ARTIFACT" ${sink.file}`;
}

function targetReference(value: string | undefined, placeholder: string): string {
  return shellReference(value) ?? `"$${placeholder}"`;
}

function loadCommands(source: string, spec: Source, dir: string): { sink: { tarDir: string } | { file: string }; load: string[] } {
  switch (spec.type) {
    case 'files':
      return { sink: { tarDir: dir }, load: [] };
    case 'mongodb':
      return {
        sink: { tarDir: dir },
        load: [
          `# mongodump layout (db/collection.bson + .metadata.json); add --drop to replace existing collections.`,
          `mongorestore --uri ${targetReference(spec.uri, 'TARGET_MONGODB_URI')} --dir ${dir}`,
        ],
      };
    case 'redis':
      if (spec.mode === 'logical') {
        return {
          sink: { file: `${dir}/dump.resp` },
          load: [
            `# RESP stream of RESTORE … REPLACE commands (TTLs kept): pipe it into any Redis.`,
            `redis-cli -u ${targetReference(spec.url, 'TARGET_REDIS_URL')}${redisCliTlsFlags(spec)} --pipe < ${dir}/dump.resp`,
          ],
        };
      }
      return {
        sink: { file: `${dir}/dump.rdb` },
        load: [
          `redis-check-rdb ${dir}/dump.rdb`,
          `# Stop redis-server, copy dump.rdb over the file named by CONFIG GET dir / dbfilename (with`,
          `# appendonly yes, move the AOF aside first), then start redis-server: it loads the RDB at boot.`,
        ],
      };
    case 'postgres':
      if ((spec.databases?.length ?? 0) > 1) {
        return {
          sink: { tarDir: dir },
          load: [
            `# Several databases: a tar of <db>.dump.NNNNNN parts; each database's parts concatenate to a pg_dump -Fc archive.`,
            ...(spec.databases ?? []).map(
              (db) => `cat ${dir}/${db}.dump.* | pg_restore --clean --if-exists --no-owner --dbname "$TARGET_DATABASE_URL_${db.toUpperCase().replace(/[^A-Z0-9]/g, '_')}"`,
            ),
          ],
        };
      }
      return {
        sink: { file: `${dir}/${source}.pgdump` },
        load: [
          `pg_restore --list ${dir}/${source}.pgdump | head`,
          `pg_restore --clean --if-exists --no-owner --dbname ${targetReference(spec.url, 'TARGET_DATABASE_URL')} ${dir}/${source}.pgdump`,
        ],
      };
  }
}

export function buildFallback(policy: ResolvedPolicy, category: ResolvedCategory): FallbackSource[] {
  return category.data.map((ref) => {
    const spec = policy.sources[ref.source];
    const type = spec?.type ?? ref.sourceType;
    const dir = restoreDir(category, ref.source);
    const { sink, load } = spec ? loadCommands(ref.source, spec, dir) : { sink: { tarDir: dir }, load: [] };
    const finds = category.copies.flatMap((copy) => {
      const tier = policy.tiers[copy.tier];
      return tier ? [findCommands(policy, category.name, ref.source, tier)] : [];
    });
    const unpack = [
      'DIR=$(dirname "$MANIFEST")',
      'cat "$MANIFEST"   # id, started_at/finished_at, sizes, stats',
      `ARTIFACT="$DIR/$(sed -n 's/.*"artifact": *"\\([^"]*\\)".*/\\1/p' "$MANIFEST")"`,
      // Chained with &&: pasted into a shell, a checksum mismatch stops before anything is written.
      `echo "$(sed -n 's/.*"sha256": *"\\([0-9a-f]\\{64\\}\\)".*/\\1/p' "$MANIFEST")  $ARTIFACT" | sha256sum -c - &&`,
      `mkdir -p ${dir} &&`,
      decodeCommand(category, sink),
    ];
    return { source: ref.source, type, finds, unpack, load };
  });
}
