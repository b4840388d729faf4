// INFO keyspace: `db0:keys=12,expires=3,avg_ttl=0` lines, summed into per-database key counts.
export interface DbKeys {
  keys: number;
  expires: number;
}

export type Keyspace = Map<number, DbKeys>;

export function parseKeyspace(info: string): Keyspace {
  const keyspace: Keyspace = new Map();
  for (const line of info.split(/\r?\n/)) {
    const match = /^db(\d+):keys=(\d+),expires=(\d+)/.exec(line.trim());
    if (match) keyspace.set(Number(match[1]), { keys: Number(match[2]), expires: Number(match[3]) });
  }
  return keyspace;
}

export function totalKeys(keyspace: Keyspace): DbKeys {
  let keys = 0;
  let expires = 0;
  for (const db of keyspace.values()) {
    keys += db.keys;
    expires += db.expires;
  }
  return { keys, expires };
}
