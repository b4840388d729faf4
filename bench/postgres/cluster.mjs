// A private PostgreSQL cluster for the benchmark (initdb + pg_ctl on a random port, as the postgres OS user
// when run as root), with ≥ 1M rows generated once and kept in the data directory between runs.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function pgBinDir() {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server in /usr/lib/postgresql (Debian: postgresql)');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startCluster(root, log, password = 'bench-pw') {
  const bin = pgBinDir();
  const asRoot = process.getuid?.() === 0;
  const run = (tool, args) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(root, { recursive: true });
  const data = join(root, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(root, uid, gid);
  }
  if (!existsSync(join(data, 'PG_VERSION'))) {
    log(`initdb ${data}`);
    const pwfile = join(root, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (asRoot) chownSync(pwfile, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
    run('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-N', '-E', 'UTF8', '--locale=C']);
  }
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '120', '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`, 'start']);
  const env = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: password, PGAPPNAME: 'bench' };
  const psql = (sql, database = 'postgres') =>
    execFileSync(join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', database], { input: sql, env, maxBuffer: 1 << 26 }).toString();
  return {
    port,
    env,
    bin,
    psql,
    url: (database) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

/** events: `rows` rows of mixed types (~120 bytes each); users: rows/10. Generated once per row count. */
export function ensureData(cluster, rows, log) {
  const database = `bench_${rows}`;
  const exists = cluster.psql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`).trim() === '1';
  if (exists) return database;
  log(`generating ${rows} rows in ${database}…`);
  cluster.psql(`DROP DATABASE IF EXISTS ${database}_tmp`);
  cluster.psql(`CREATE DATABASE ${database}_tmp`);
  cluster.psql(
    `CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL, plan text);
     INSERT INTO users SELECT g, 'user' || g || '@example.com', '2020-01-01'::timestamptz + g * interval '1 minute', (ARRAY['free','pro','team'])[1 + g % 3] FROM generate_series(1, ${Math.ceil(rows / 10)}) g;
     CREATE TABLE events (id bigint PRIMARY KEY, user_id int NOT NULL, kind text NOT NULL, amount numeric(12,2), payload text, created_at timestamptz NOT NULL);
     INSERT INTO events SELECT g, 1 + (g::bigint * 7919) % ${Math.ceil(rows / 10)}, (ARRAY['view','click','buy','refund'])[1 + g % 4], (g % 10000) / 100.0,
       md5(g::text) || ' ' || substr(md5((g * 31)::text), 1, 8 + g % 24), '2024-01-01'::timestamptz + g * interval '1 second'
       FROM generate_series(1, ${rows}) g;
     CREATE INDEX ON events (user_id);
     VACUUM ANALYZE;`,
    `${database}_tmp`,
  );
  cluster.psql(`ALTER DATABASE ${database}_tmp RENAME TO ${database}`);
  return database;
}
