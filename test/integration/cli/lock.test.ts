// One run at a time, through the CLI: real `strata run … --job backup` processes racing for a dead run's lock,
// and `strata unlock` against a live run (a real child process stopped with SIGSTOP, as a hung run looks),
// another host's lock, and a dead run's lock. The kernel lock is util-linux `flock`, the real binary.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { acquireLock, readLock } from '../../../src/state/lock.js';
import { DEAD_PID, plantDeadOwner, releaseAll, spawnLockChild, type LockChild } from '../../helpers/lock-racers.js';
import { runCli } from '../../helpers/run-cli.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const RACERS = 8;
const RISK = 'two runs may then write the same tier at once';

let root: string;
let stateDir: string;
let env: Record<string, string>;
const children: LockChild[] = [];

const policy = `version: 1
system: racy
scheduler: { type: none }
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
defaults: { compression: gzip }
categories:
  web:
    rpo: 1h
    rto: 30m
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 50 } } ]
    verify: { checksum: every-backup, restore_test: never }
`;

/** A run of this host that holds the lock and is stopped with SIGSTOP, as a hung run looks. */
async function stoppedHolder(ttlMs?: number): Promise<LockChild> {
  const holder = spawnLockChild({ stateDir, system: 'racy', command: 'strata run racy/web --job backup', ...(ttlMs ? { ttlMs } : {}) });
  children.push(holder);
  expect(await holder.acquired, holder.stderr).toBe(true);
  holder.process.kill('SIGSTOP');
  return holder;
}

async function plantRecord(owner: Record<string, unknown>): Promise<void> {
  await mkdir(join(stateDir, 'locks'), { recursive: true });
  await writeFile(join(stateDir, 'locks', 'racy.lock'), JSON.stringify(owner));
}

interface CliProcess {
  pid: number;
  stderr: string;
  /** Its exit code once it exited. */
  code?: number | null;
  exited: Promise<number | null>;
}

/** `strata ARGS` from bin/strata.js (dist/), in its own process; `onStderr` sees its stderr as it comes. */
function spawnStrata(args: string[], onStderr: (p: CliProcess) => void): CliProcess {
  const child = spawn(process.execPath, [join(repo, 'bin/strata.js'), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const run: CliProcess = { pid: child.pid!, stderr: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve((run.code = code)))) };
  child.stderr.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
    onStderr(run);
  });
  return run;
}

describeWithBinaries(['flock'], 'strata run and strata unlock under the lock', () => {
  beforeEach(async () => {
    root = await makeTempDir('strata-cli-lock-');
    stateDir = join(root, 'state');
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'data', 'index.html'), '<h1>one run at a time</h1>\n');
    await writeFile(join(root, 'policy.yaml'), policy);
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: stateDir };
  });

  afterEach(async () => {
    for (const c of children) c.process.kill('SIGCONT');
    await releaseAll(children.splice(0));
  });

  it(`${RACERS} concurrent \`strata run --job backup\` over a dead run's lock: one backs up, the others exit 75 naming it`, async () => {
    for (let round = 0; round < 2; round += 1) {
      await plantDeadOwner(stateDir, 'racy');
      let winner: CliProcess | undefined;
      const runs = Array.from({ length: RACERS }, () =>
        spawnStrata(['run', 'web', '--job', 'backup', '--progress', 'silent'], (run) => {
          // Hold the winner (stop it) until every other run has given up, so that none can start after it.
          if (!winner && run.stderr.includes('broke the stale lock')) {
            winner = run;
            process.kill(run.pid, 'SIGSTOP');
          }
        }),
      );
      try {
        // Wait for every run but the stopped winner.
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline && !(winner && runs.every((r) => r === winner || r.code !== undefined))) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(winner, runs.map((r) => r.stderr).join('\n---\n')).toBeDefined();
        const others = runs.filter((r) => r !== winner);
        expect(others.map((r) => r.code), 'exit codes of the runs that lost').toEqual(Array(RACERS - 1).fill(75));
        process.kill(winner!.pid, 'SIGCONT');
        expect(await winner!.exited, winner!.stderr).toBe(0);
        for (const loser of others) {
          expect(loser.stderr).not.toContain('broke the stale lock');
          expect(loser.stderr).toMatch(new RegExp(`locked by \\S+ pid ${winner!.pid} \\(\`strata run racy/web --job backup\``));
        }
        expect(winner!.stderr).toContain(`pid ${DEAD_PID}`);
      } finally {
        // A failed round leaves nothing behind: SIGKILL ends even a stopped run, and its kernel lock with it.
        for (const run of runs.filter((r) => r.code === undefined)) process.kill(run.pid, 'SIGKILL');
        await Promise.all(runs.map((r) => r.exited));
      }
    }
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout) as { backups: unknown[] };
    expect(ls.backups, 'one backup per round').toHaveLength(2);
  }, 300_000);

  it('unlock refuses while the owner is alive on this host, even stopped; --force breaks it and says what it risks', async () => {
    const holder = await stoppedHolder();
    const pid = holder.process.pid!;
    const refused = await runCli(['unlock', 'racy'], env);
    expect(refused.code, refused.stderr).toBe(75);
    expect(refused.stderr).toContain(`pid ${pid}`);
    expect(refused.stderr).toContain('`strata run racy/web --job backup`');
    expect(refused.stderr).toContain('but stopped');
    expect(refused.stderr).toContain('refusing to break the lock of a live run');
    expect(refused.stderr).toContain('strata unlock racy --force');
    expect(refused.stderr).toContain(RISK);
    expect((await readLock(stateDir, 'racy'))?.pid, 'the lock is untouched').toBe(pid);
    const blocked = await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
    expect(blocked.code, blocked.stderr).toBe(75);
    expect(blocked.stderr).toContain(`kill -CONT ${pid}`);

    const forced = await runCli(['unlock', 'racy', '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`warning: --force broke the lock of a live run of racy held by`);
    expect(forced.stderr).toContain(`pid ${pid}`);
    expect(forced.stderr).toContain(RISK);
    expect(forced.stderr).toContain(`kill ${pid}`);
    // What --force is for: the next run starts although the stopped one still lives.
    const next = await acquireLock(stateDir, 'racy', { command: 'strata run next', ttlMs: 60_000 });
    // The stopped run resumes and ends: its release leaves the new run's record alone.
    holder.process.kill('SIGCONT');
    await releaseAll(children.splice(0));
    expect((await readLock(stateDir, 'racy'))?.command).toBe('strata run next');
    await next.release();
    expect(await readLock(stateDir, 'racy')).toBeUndefined();
  });

  it('run --break-lock does not break the lock of a live run whose TTL expired', async () => {
    const holder = await stoppedHolder(1);
    const run = await runCli(['run', 'web', '--job', 'backup', '--break-lock', '--progress', 'silent'], env);
    expect(run.code, run.stderr).toBe(75);
    expect(run.stderr).toContain(`pid ${holder.process.pid} is alive on this host but stopped`);
    expect(run.stderr).not.toContain('broke');
    expect((await readLock(stateDir, 'racy'))?.pid).toBe(holder.process.pid);
  });

  it("unlock of another host's lock: refuses within its TTL, breaks an expired one, and says what it cannot check", async () => {
    const other = { system: 'racy', owner: 'backup', host: 'db-7.example', pid: 4242, command: 'strata apply', acquired_at: '2026-01-01T00:00:00.000Z' };
    await plantRecord({ ...other, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    const refused = await runCli(['unlock', 'racy'], env);
    expect(refused.code, refused.stderr).toBe(75);
    expect(refused.stderr).toContain('this host cannot check whether pid 4242 still runs on db-7.example');
    expect(refused.stderr).toContain('strata unlock racy --force');
    expect(await readLock(stateDir, 'racy')).toBeDefined();

    await plantRecord({ ...other, expires_at: '2026-01-01T06:00:00.000Z' });
    const broken = await runCli(['unlock', 'racy'], env);
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.stderr).toContain('Its TTL expired at 2026-01-01T06:00:00.000Z');
    expect(broken.stderr).toContain('This host cannot check whether pid 4242 still runs on db-7.example');
    expect(await readLock(stateDir, 'racy')).toBeUndefined();
  });

  it("unlock breaks a dead run's lock without --force, and says when there is none", async () => {
    await plantDeadOwner(stateDir, 'racy');
    const broken = await runCli(['unlock', 'racy'], env);
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.stderr).toContain(`pid ${DEAD_PID}`);
    expect(broken.stderr).toContain('that process is gone');
    const none = await runCli(['unlock', 'racy'], env);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('racy was not locked.');
  });
});
