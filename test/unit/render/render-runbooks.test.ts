import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderRunbooks } from '../../../src/render/render-runbooks.js';
import { makeCategory, makeEvidence, makePolicy } from './fixtures.js';

const policy = makePolicy();
const evidence = makeEvidence();
const files = renderRunbooks({ policy, evidence });
const page = (path: string): string => {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path}`);
  return file.content;
};

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('renderRunbooks', () => {
  it('renders an index and one page per category, at relative paths', () => {
    expect(files.map((f) => f.path)).toEqual(['README.md', 'critical.md', 'sessions.md', 'uploads.md']);
    for (const file of files) {
      expect(file.content.endsWith('\n')).toBe(true);
      expect(file.content.endsWith('\n\n')).toBe(false);
      expect(file.content).not.toMatch(/\n\n\n/);
    }
  });

  it('matches the snapshots of the index and the category pages', async () => {
    await expect(page('README.md')).toMatchFileSnapshot('__snapshots__/runbooks/README.md');
    await expect(page('critical.md')).toMatchFileSnapshot('__snapshots__/runbooks/critical.md');
    await expect(page('sessions.md')).toMatchFileSnapshot('__snapshots__/runbooks/sessions.md');
    await expect(page('uploads.md')).toMatchFileSnapshot('__snapshots__/runbooks/uploads.md');
  });

  it('compares the measured restore with the RTO', () => {
    expect(page('critical.md')).toContain(
      '| RTO (restore time) | 1h | 12m34s (restore test on 2026-11-19 04:12 UTC from hot, 3.25 GB at 4.31 MB/s) | ✅ within target |',
    );
    const slow = makeEvidence();
    slow.critical!.last_good_restore = { ...slow.critical!.last_good_restore!, duration_ms: 2 * 3_600_000 };
    const content = renderRunbooks({ policy, evidence: slow }).find((f) => f.path === 'critical.md')?.content;
    expect(content).toMatch(/\| RTO \(restore time\) \| 1h \| 2h \(restore test .*\) \| ❌ over target \|/);
    expect(page('sessions.md')).toContain(
      'not measured yet — run `strata run sessions --job verify --policies /etc/strata/policies`',
    );
    expect(page('README.md')).toContain('| [critical](critical.md) | Sketches, versions, prompt history | 5m | 1h | 12m34s ✅ |');
  });

  it('checks the schedule against the RPO', () => {
    expect(page('critical.md')).toContain('| RPO (data loss) | 5m | longest gap between scheduled backups: 5m | ✅ within target |');
    expect(page('uploads.md')).toContain('| RPO (data loss) | 24h | longest gap between scheduled backups: 7d 1h | ❌ over target |');
  });

  it('counts the schedule gap with the scheduler rules that validate uses (a systemd timer skips a time DST skips)', () => {
    const berlin = makeCategory({ name: 'nightly', rpo: '26h', rpoMs: 26 * 3_600_000, schedule: { full: '30 2 * * *', timezone: 'Europe/Berlin' } });
    const runbook = (type: 'systemd' | 'none') =>
      renderRunbooks({ policy: makePolicy({ categories: [berlin], scheduler: { ...policy.scheduler, type } }), evidence: {} }).find((f) => f.path === 'nightly.md')!.content;
    // 02:30 does not exist in Berlin on the last Sunday of March: the timer skips that day (47h), croner does not.
    expect(runbook('systemd')).toContain('| RPO (data loss) | 26h | longest gap between scheduled backups: 1d 23h | ❌ over target |');
    expect(runbook('none')).toContain('| RPO (data loss) | 26h | longest gap between scheduled backups: 1d 1h | ✅ within target |');
  });

  it('gives exact strata restore commands', () => {
    // critical holds a database source: without --to it restores over the live source, which needs --yes.
    const critical = page('critical.md');
    const base = 'strata restore critical --policies /etc/strata/policies --from hot --identity "$STRATA_AGE_IDENTITY_FILE"';
    expect(critical).toContain(`${base} --dry-run\n`);
    for (const suffix of ['', ' --at 2h', ' --backup BACKUP_ID']) expect(critical).toContain(`${base}${suffix} --yes\n`);
    expect(critical).toContain('--from warm --identity "$STRATA_AGE_IDENTITY_FILE" --yes');
    expect(critical).toContain('strata restore critical --policies /etc/strata/policies --source app-db --identity "$STRATA_AGE_IDENTITY_FILE" --to "$TARGET_MONGODB_URI" --only DB.COLLECTION');
    // A files-only category restores into a directory; no age identity for an unencrypted category.
    expect(page('uploads.md')).toContain('--from hot --to /restore/uploads');
    expect(page('sessions.md')).not.toContain('--identity');
  });

  it('writes the manual fallback for the category codecs', () => {
    expect(page('uploads.md')).toContain(
      'age -d -i "$STRATA_AGE_IDENTITY_FILE" "$ARTIFACT" | zstd -d | tar -xpf - -C /restore/uploads\n',
    );
    expect(page('sessions.md')).toContain('gzip -dc "$ARTIFACT" > /restore/sessions/dump.rdb\n');
    expect(page('sessions.md')).not.toContain('age -d');
    expect(page('critical.md')).toContain(
      'MANIFEST=$(find "/var/backups/strata/sketchy-chain/critical/app-db/" -mindepth 4 -maxdepth 4 -name manifest.json | sort | tail -n 1)',
    );
    expect(page('critical.md')).toContain('mongorestore --uri "$MONGO_URI" --dir /restore/critical/app-db');
    expect(page('critical.md')).toContain('pg_restore --clean --if-exists --no-owner --dbname "$PG_URL" /restore/critical/ledger/ledger.pgdump');
    const plain = makePolicy({
      categories: [makeCategory({ name: 'plain', compression: 'none', recipients: [] })],
    });
    const content = renderRunbooks({ policy: plain, evidence: {} })[1]?.content ?? '';
    expect(content).toContain('tar -xpf "$ARTIFACT" -C /restore/plain\n');
  });

  it('shows where copies live, with references as written and never their values', () => {
    const planted = {
      S3_ENDPOINT: 'https://planted-endpoint.example',
      MONGO_URI: 'mongodb://root:planted-secret@db',
      PG_URL: 'postgres://app:planted-secret@db/app',
    };
    Object.assign(process.env, planted);
    let all: string;
    try {
      all = renderRunbooks({ policy, evidence }).map((f) => f.content).join('\n');
    } finally {
      for (const name of Object.keys(planted)) delete process.env[name];
    }
    expect(all).toContain('endpoint ${env:S3_ENDPOINT}');
    expect(all).toContain('`s3://sc-backups/warm/sketchy-chain/critical/`');
    expect(all).toContain('`/var/backups/strata/sketchy-chain/critical/`');
    expect(all).toContain('--endpoint-url "${S3_ENDPOINT}"');
    expect(all).not.toContain('planted');
    // A literal URL may embed a password: it is never printed.
    expect(all).not.toContain('hunter2-literal');
    expect(all).not.toContain('redis://');
  });

  it('lists the newest backups only when given', () => {
    expect(page('critical.md')).not.toContain('Newest backups');
    const withLatest = renderRunbooks({
      policy,
      evidence,
      latest: {
        critical: [
          { tier: 'warm', id: '20261119T020000Z-bbbbbb', finished_at: '2026-11-19T02:05:00Z' },
          { tier: 'hot', id: '20261120T020000Z-aaaaaa', finished_at: '2026-11-20T02:03:00Z' },
        ],
      },
    });
    expect(withLatest.find((f) => f.path === 'critical.md')?.content).toContain(
      '| hot | `20261120T020000Z-aaaaaa` | 2026-11-20 02:03 UTC |\n| warm | `20261119T020000Z-bbbbbb` | 2026-11-19 02:05 UTC |',
    );
  });
});

describe('determinism and templates', () => {
  it('renders the same bytes twice and whatever the input order', () => {
    const shuffled = { ...policy, categories: [...policy.categories].reverse() };
    expect(renderRunbooks({ policy, evidence })).toEqual(files);
    expect(renderRunbooks({ policy: shuffled, evidence })).toEqual(files);
  });

  it('takes template overrides file by file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-templates-'));
    temps.push(dir);
    writeFileSync(join(dir, 'runbook-index.md.hbs'), '# {{system}}\n{{#each categories}}\n- {{name}}: RPO {{rpo}}, RTO {{rto}}\n{{/each}}\n');
    const custom = renderRunbooks({ policy, evidence }, { templatesDir: dir });
    expect(custom[0]).toEqual({
      path: 'README.md',
      content: '# sketchy-chain\n- critical: RPO 5m, RTO 1h\n- sessions: RPO 1h, RTO 4h\n- uploads: RPO 24h, RTO 4h\n',
    });
    expect(custom.slice(1)).toEqual(files.slice(1));
  });
});

describe('display base', () => {
  const checkout = (root: string) =>
    makePolicy({
      scheduler: { type: 'none', strataBin: '/usr/local/bin/strata', policyPath: `${root}/policies/demo.yaml` },
      tiers: {
        hot: { name: 'hot', storage: { type: 'local', path: `${root}/.strata-demo/hot` }, offsite: false },
        far: { name: 'far', storage: { type: 'local', path: '/mnt/offsite/strata' }, offsite: true },
      },
      sources: { uploads: { type: 'files', paths: [`${root}/demo/data`] } },
      categories: [makeCategory({ name: 'documents', copies: [{ tier: 'hot', keep: { daily: 7 } }, { tier: 'far', keep: { weekly: 4 } }] })],
    });

  it('renders identical runbooks from two checkouts', () => {
    const a = renderRunbooks({ policy: checkout('/home/alice/strata'), evidence: {} }, { displayBase: '/home/alice/strata' });
    const b = renderRunbooks({ policy: checkout('/builds/ci/strata'), evidence: {} }, { displayBase: '/builds/ci/strata' });
    expect(a).toEqual(b);
    const page = a[1]?.content ?? '';
    expect(page).toContain('strata restore documents --policies policies/demo.yaml --from hot');
    expect(page).toContain('`.strata-demo/hot/sketchy-chain/documents/`');
    expect(page).toContain('MANIFEST=$(find ".strata-demo/hot/sketchy-chain/documents/uploads/"');
    expect(page).toContain('paths `demo/data`');
    // Outside the base, paths stay absolute.
    expect(page).toContain('`/mnt/offsite/strata/sketchy-chain/documents/`');
    expect(page).toContain('Relative paths are relative to the directory the runbooks were rendered from');
    expect(a[0]?.content).toContain('Relative paths are relative');
  });

  it('changes nothing when no path lies under the base', () => {
    expect(renderRunbooks({ policy, evidence }, { displayBase: '/srv/elsewhere' })).toEqual(files);
  });
});
