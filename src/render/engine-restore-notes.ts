// Per-engine restore guidance for runbooks: the strata commands for alternate targets, partial and in-place
// restores of database sources. Pure; URLs are shown as placeholders, never resolved.
import type { Source } from '../generated/policy.js';

export interface EngineNote {
  name: string;
  type: string;
  lines: string[];
  commands: string[];
}

const TLS_TARGET_NOTE =
  "The source speaks TLS (`tls:` in the policy). A `rediss://` target on the source's host uses those settings (CA, client certificate); " +
  'a target on another host is verified against the system CAs: for a private CA, run strata with `NODE_EXTRA_CA_CERTS=/path/to/ca.pem`.';

export function buildEngineNotes(category: string, policyPath: string, sources: { name: string; spec: Source | undefined }[], identity: string): EngineNote[] {
  const base = (source: string) => `strata restore ${category} --policies ${policyPath} --source ${source}${identity}`;
  const notes: EngineNote[] = [];
  for (const { name, spec } of sources) {
    if (!spec || spec.type === 'files') continue;
    if (spec.type === 'postgres') {
      notes.push({
        name, type: 'postgres',
        lines: [
          'A `pg_dump -Fc` archive. Restores run `pg_restore` in one transaction: a failed restore changes nothing.',
          'Over the live database, strata first takes a pre-restore snapshot unless `--no-snapshot`: not a backup (a default restore never picks it), but the way back, with the `--backup ID` it prints.',
          'The dump holds no roles: onto a fresh server, strata refuses (before writing) when roles the objects are owned by or granted to are missing. ' +
            'Create them first (`pg_dumpall --roles-only --no-role-passwords` on the source, psql on the target), or restore with `--no-owner`: ' +
            'the connecting user owns everything and no GRANTs are restored.',
        ],
        commands: [
          `# Into a new database (created if missing), e.g. TARGET_DATABASE_URL=postgres://USER@HOST:5432/${name}_restored\n${base(name)} --to "$TARGET_DATABASE_URL"`,
          `# One table or one schema, into that database:\n${base(name)} --to "$TARGET_DATABASE_URL" --only public.orders`,
          `# Onto a fresh server that lacks the source's roles (objects owned by the connecting user, no GRANTs):\n${base(name)} --to "$TARGET_DATABASE_URL" --no-owner`,
          `# Over the live database (pre-restore snapshot first):\n${base(name)} --yes`,
        ],
      });
    } else if (spec.type === 'redis') {
      const logical = spec.mode === 'logical';
      notes.push({
        name, type: `redis (${logical ? 'logical' : 'rdb'})`,
        lines: [
          logical
            ? 'A RESP stream of `RESTORE … REPLACE` commands; TTLs are kept. Key patterns narrow the restore with `--only`.'
            : 'An RDB snapshot. Restore into a directory (then stop redis-server, replace its dump.rdb, start it), or into any running server by URL.',
          ...(spec.tls ? [TLS_TARGET_NOTE] : []),
        ],
        commands: [
          ...(logical ? [] : [`# dump.rdb into a directory, for the stop / replace / start procedure:\n${base(name)} --to /restore/${category}/${name}`]),
          `# Into a running server given by TARGET_REDIS_URL (keys replaced, TTLs kept):\n${base(name)} --to "$TARGET_REDIS_URL"${logical ? " --only 'session:*'" : ''}`,
          `# Over the live server (pre-restore snapshot first):\n${base(name)} --yes`,
        ],
      });
    } else if (spec.type === 'mongodb') {
      notes.push({
        name, type: 'mongodb',
        lines: ['A mongodump layout (`db/collection.bson` + `.metadata.json`) in a tar; collections are dropped and replaced, indexes recreated.'],
        commands: [
          `# One collection into another database (renamed), TARGET_MONGODB_URI=mongodb://HOST:27017/DB_restored:\n${base(name)} --to "$TARGET_MONGODB_URI" --only DB.COLLECTION`,
          `# Over the live deployment (pre-restore snapshot first):\n${base(name)} --yes`,
        ],
      });
    }
  }
  return notes;
}
