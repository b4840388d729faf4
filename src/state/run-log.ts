// One JSON line per job run (like resticprofile's status file), for status and post-mortems.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunRecord {
  at: string;
  system: string;
  category?: string;
  job: string;
  ok: boolean;
  duration_ms: number;
  backup_ids?: string[];
  error?: string;
}

export async function appendRunRecord(stateDir: string, record: RunRecord): Promise<void> {
  const dir = join(stateDir, 'runs');
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, `${record.system}.jsonl`), JSON.stringify(record) + '\n');
}

export async function readRunRecords(stateDir: string, system: string): Promise<RunRecord[]> {
  try {
    const text = await readFile(join(stateDir, 'runs', `${system}.jsonl`), 'utf8');
    return text.split('\n').filter(Boolean).flatMap((line) => {
      try {
        return [JSON.parse(line) as RunRecord];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}
