// MongoDB connection strings, taken apart without ever echoing them: the database path, the query
// options, the credentials to redact. Error messages here never contain the URI itself.
//
// The database path of a URI is, by the MongoDB URI spec, the default authentication database. Strata
// also gives it a selection meaning, like mongodump/mongorestore do with `--uri …/db`:
// - on a source, it restricts the dump to that database;
// - on a restore target, it names the database to restore into (see restore-target.ts).
// `admin` is the exception: in a URI it conventionally only names the authentication database, and
// admin is never dumped by default, so `/admin` selects and renames nothing.
import { redactSecrets } from '../../exec/exec.js';

export interface MongoUri {
  scheme: 'mongodb' | 'mongodb+srv';
  /** Raw (percent-encoded) `user[:password]`, when present. */
  userinfo?: string;
  /** Raw host list, e.g. `h1:27017,h2`. */
  hosts: string;
  /** Decoded database path, when present and non-empty. */
  database?: string;
  /** Raw query pairs, in order. */
  query: [string, string][];
}

const SCHEMES = ['mongodb+srv://', 'mongodb://'] as const;

/** The database a URI path may name without selecting anything (see the header comment). */
export const AUTH_ONLY_DATABASE = 'admin';

export function parseMongoUri(uri: string): MongoUri {
  const prefix = SCHEMES.find((s) => uri.startsWith(s));
  if (!prefix) throw new Error('the MongoDB URI must start with mongodb:// or mongodb+srv://');
  const rest = uri.slice(prefix.length);
  // Credentials may not hold a raw '/', '?' or '@' (the spec requires percent-encoding), so the authority
  // ends at the first '/' or '?' after the last '@' that precedes them.
  const slash = rest.search(/[/?]/);
  const authorityEnd = slash === -1 ? rest.length : slash;
  const authority = rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hosts = at === -1 ? authority : authority.slice(at + 1);
  if (hosts === '') throw new Error('the MongoDB URI names no host');
  let tail = rest.slice(authorityEnd);
  let path = '';
  if (tail.startsWith('/')) {
    const q = tail.indexOf('?');
    path = q === -1 ? tail.slice(1) : tail.slice(1, q);
    tail = q === -1 ? '' : tail.slice(q);
  }
  const query: [string, string][] = [];
  if (tail.startsWith('?')) {
    for (const pair of tail.slice(1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      query.push(eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]);
    }
  }
  let database: string | undefined;
  if (path !== '') {
    try {
      database = decodeURIComponent(path);
    } catch {
      throw new Error('the database path of the MongoDB URI is not valid percent-encoding');
    }
  }
  return { scheme: prefix === 'mongodb+srv://' ? 'mongodb+srv' : 'mongodb', userinfo, hosts, database, query };
}

export function formatMongoUri(uri: MongoUri): string {
  const auth = uri.userinfo === undefined ? '' : `${uri.userinfo}@`;
  const path = uri.database === undefined ? '' : encodeURIComponent(uri.database);
  const query = uri.query.length === 0 ? '' : `?${uri.query.map(([k, v]) => `${k}=${v}`).join('&')}`;
  return `${uri.scheme}://${auth}${uri.hosts}/${path}${query}`;
}

/** A query option's decoded value (option names are case-insensitive). */
export function queryOption(uri: MongoUri, name: string): string | undefined {
  const found = uri.query.find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!found) return undefined;
  try {
    return decodeURIComponent(found[1]);
  } catch {
    return found[1];
  }
}

function withQueryOption(uri: MongoUri, name: string, value: string): MongoUri {
  return { ...uri, query: [...uri.query.filter(([k]) => k.toLowerCase() !== name.toLowerCase()), [name, encodeURIComponent(value)]] };
}

/** The database a URI path selects, or undefined (no path, or only the authentication database). */
export function selectedDatabase(uri: MongoUri): string | undefined {
  return uri.database === AUTH_ONLY_DATABASE ? undefined : uri.database;
}

/**
 * The same connection with its database path moved out of the way (so it can be given another meaning),
 * keeping the authentication database the path implied: credentials without `authSource` authenticate
 * against the path's database, so that becomes an explicit `authSource`.
 */
export function withoutDatabase(uri: MongoUri, options: { keepAuthFromPath: boolean } = { keepAuthFromPath: true }): MongoUri {
  let out: MongoUri = { ...uri, database: undefined };
  if (options.keepAuthFromPath && uri.userinfo !== undefined && uri.database !== undefined && queryOption(uri, 'authSource') === undefined) {
    out = withQueryOption(out, 'authSource', uri.database);
  }
  return out;
}

/** Every form in which a URI's secrets could show up in a message: the URI, its userinfo, user and password. */
export function uriSecrets(raw: string): string[] {
  const secrets = [raw];
  let uri: MongoUri | undefined;
  try {
    uri = parseMongoUri(raw);
  } catch {
    return secrets;
  }
  if (uri.userinfo !== undefined) {
    secrets.push(uri.userinfo);
    for (const part of uri.userinfo.split(':')) {
      secrets.push(part);
      try {
        secrets.push(decodeURIComponent(part));
      } catch {
        // not valid percent-encoding: the raw form is already listed
      }
    }
  }
  // Longest first, so a password inside the URI is not half-redacted before the URI itself.
  return [...new Set(secrets.filter((s) => s !== ''))].sort((a, b) => b.length - a.length);
}

/** `text` with the URI's secrets replaced by `***`. */
export function redactUri(text: string, raw: string): string {
  return redactSecrets(text, uriSecrets(raw));
}

/** The host list, for messages (hosts are not secrets; credentials never appear). */
export function describeHosts(raw: string): string {
  try {
    return parseMongoUri(raw).hosts;
  } catch {
    return '(unparseable URI)';
  }
}
