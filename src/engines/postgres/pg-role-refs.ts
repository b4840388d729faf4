// The roles a restore needs, read from the script pg_restore would run (`pg_restore --schema-only --file=-`
// with the restore's own selection): owners (`ALTER … OWNER TO r`), privileges (`GRANT … TO r`, `REVOKE …
// FROM r`, `SET SESSION AUTHORIZATION r` for grants made by another role, `ALTER DEFAULT PRIVILEGES FOR ROLE r`),
// row-level security policies (`CREATE POLICY … TO r`) and user mappings (`CREATE USER MAPPING FOR r`).
// pg_dump holds no roles, so on a fresh server any of them may be missing; each kind is kept apart because
// --no-owner (pg_restore --no-owner --no-privileges) removes the first two but not the others.
import { SqlStatementSplitter, type SqlToken } from './pg-sql-lexer.js';

export type RoleUse = 'owner' | 'privileges' | 'policy' | 'user mapping';

/** Role name → how the restore uses it. */
export type RoleUses = Map<string, Set<RoleUse>>;

/** Uses that remain with --no-owner: it drops ALTER OWNER and every GRANT/REVOKE, not policies or user mappings. */
const KEPT_WITHOUT_OWNERS: ReadonlySet<RoleUse> = new Set(['policy', 'user mapping']);

/** Role specifications that are no role name. */
const NOT_ROLES = new Set(['public', 'current_user', 'session_user', 'current_role']);

const isWord = (token: SqlToken | undefined, text: string): boolean => token?.kind === 'word' && token.text === text;

/** A role name at `token` (a name or a "quoted name"; PUBLIC, CURRENT_USER … are none). */
function roleName(token: SqlToken | undefined): string | undefined {
  if (token?.kind === 'ident') return token.text;
  if (token?.kind === 'word' && !NOT_ROLES.has(token.text)) return token.text;
  return undefined;
}

/** `[GROUP] r [, [GROUP] r …]` from `start`. */
function roleList(tokens: SqlToken[], start: number): string[] {
  const roles: string[] = [];
  for (let i = start; i < tokens.length; i += 2) {
    if (isWord(tokens[i], 'group')) i += 1;
    const token = tokens[i];
    if (token?.kind !== 'ident' && token?.kind !== 'word') break;
    const name = roleName(token);
    if (name !== undefined) roles.push(name);
    if (tokens[i + 1]?.kind !== 'symbol' || tokens[i + 1]!.text !== ',') break;
  }
  return roles;
}

/** Index of the first `word` at parenthesis depth 0, from `start`; -1 when absent. */
function topLevelWord(tokens: SqlToken[], word: string, start = 0): number {
  let depth = 0;
  for (let i = start; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token.kind === 'symbol' && token.text === '(') depth += 1;
    else if (token.kind === 'symbol' && token.text === ')') depth -= 1;
    else if (depth === 0 && isWord(token, word)) return i;
  }
  return -1;
}

/** Grantees (or revokees) and GRANTED BY of the GRANT / REVOKE starting at `start`. */
function privilegeRoles(tokens: SqlToken[], start: number): string[] {
  const revoke = isWord(tokens[start], 'revoke');
  const list = topLevelWord(tokens, revoke ? 'from' : 'to', start + 1);
  const roles = list < 0 ? [] : roleList(tokens, list + 1);
  const grantedBy = topLevelWord(tokens, 'granted', start + 1);
  if (grantedBy >= 0 && isWord(tokens[grantedBy + 1], 'by')) {
    const grantor = roleName(tokens[grantedBy + 2]);
    if (grantor !== undefined) roles.push(grantor);
  }
  return roles;
}

/** The roles one statement of a restore script names, with how it uses them. */
export function rolesInStatement(tokens: SqlToken[]): { use: RoleUse; roles: string[] }[] {
  const [first, second, third] = tokens;
  const last = tokens.length - 1;
  if (isWord(first, 'alter') && isWord(second, 'default') && isWord(third, 'privileges')) {
    const forRole = topLevelWord(tokens, 'for');
    const owners = forRole >= 0 && (isWord(tokens[forRole + 1], 'role') || isWord(tokens[forRole + 1], 'user')) ? roleList(tokens, forRole + 2) : [];
    const action = tokens.findIndex((t) => isWord(t, 'grant') || isWord(t, 'revoke'));
    return [{ use: 'privileges', roles: [...owners, ...(action >= 0 ? privilegeRoles(tokens, action) : [])] }];
  }
  if (isWord(first, 'alter') && last >= 3 && isWord(tokens[last - 2], 'owner') && isWord(tokens[last - 1], 'to')) {
    return [{ use: 'owner', roles: roleList(tokens, last) }];
  }
  if (isWord(first, 'grant') || isWord(first, 'revoke')) return [{ use: 'privileges', roles: privilegeRoles(tokens, 0) }];
  if (isWord(first, 'set') && isWord(second, 'session') && isWord(third, 'authorization')) {
    return [{ use: 'privileges', roles: roleList(tokens, 3).filter((r) => r !== 'default') }];
  }
  if (isWord(first, 'create') && isWord(second, 'policy')) {
    const to = topLevelWord(tokens, 'to');
    return [{ use: 'policy', roles: to < 0 ? [] : roleList(tokens, to + 1) }];
  }
  if (isWord(first, 'create') && isWord(second, 'user') && isWord(third, 'mapping') && isWord(tokens[3], 'for')) {
    return [{ use: 'user mapping', roles: roleList(tokens, 4) }];
  }
  return [];
}

/** Collects the roles of a restore script fed line by line. */
export class RoleCollector {
  readonly uses: RoleUses = new Map();
  private readonly splitter = new SqlStatementSplitter((tokens) => {
    for (const { use, roles } of rolesInStatement(tokens)) {
      for (const role of roles) {
        const set = this.uses.get(role) ?? new Set<RoleUse>();
        set.add(use);
        this.uses.set(role, set);
      }
    }
  });

  pushLine(line: string): void {
    this.splitter.pushLine(line);
  }

  end(): RoleUses {
    this.splitter.end();
    return this.uses;
  }
}

export function collectRoles(script: string): RoleUses {
  const collector = new RoleCollector();
  for (const line of script.split('\n')) collector.pushLine(line);
  return collector.end();
}

/** The roles a restore needs: all of them, or with --no-owner only those policies and user mappings name. */
export function neededRoles(uses: RoleUses, noOwner: boolean): RoleUses {
  const needed: RoleUses = new Map();
  for (const [role, kinds] of uses) {
    const kept = noOwner ? new Set([...kinds].filter((k) => KEPT_WITHOUT_OWNERS.has(k))) : kinds;
    if (kept.size > 0) needed.set(role, kept);
  }
  return needed;
}

/** PostgreSQL's reserved keywords: a role named so must be quoted. */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date ' +
    'current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign ' +
    'from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order ' +
    'placing primary references returning select session_user some symmetric system_user table then to trailing true union unique user ' +
    'using variadic when where window with').split(' '),
);

/** A role name as SQL: bare when it needs no quotes, else "quoted". */
function sqlRole(role: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(role) && !RESERVED.has(role) ? role : `"${role.replace(/"/g, '""')}"`;
}

const SHOWN = 5;

function firstFew(items: string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}

/**
 * Why the restore is refused, and the ways forward: create the roles (bare, or the source's own from
 * `pg_dumpall --roles-only`), or --no-owner when that is enough (it is not for policies and user mappings).
 * Names are shown as SQL (quoted when they need it), so odd names stay unambiguous.
 */
export function missingRolesMessage(missing: RoleUses, noOwner: boolean): string {
  const names = [...missing.keys()].sort();
  const described = names.map((role) => `${sqlRole(role)} (${[...missing.get(role)!].sort().join(', ')})`);
  const stubborn = names.filter((role) => [...missing.get(role)!].some((k) => KEPT_WITHOUT_OWNERS.has(k))).map(sqlRole);
  const create = names.slice(0, SHOWN).map((role) => `CREATE ROLE ${sqlRole(role)};`).join(' ');
  const why =
    stubborn.length === 0
      ? ''
      : noOwner
        ? ' even with --no-owner (row-level security policies or user mappings name them)'
        : `; --no-owner would not help for ${firstFew(stubborn)} (named by row-level security policies or user mappings)`;
  const ways =
    `Create ${names.length === 1 ? 'it' : 'them'} on the target first (${create}${names.length > SHOWN ? ' …' : ''}), or replay the source's roles ` +
    'with their attributes and memberships (`pg_dumpall --roles-only --no-role-passwords` on the source, then psql on the target)' +
    (!noOwner && stubborn.length === 0 ? '; or restore with --no-owner (pg_restore --no-owner --no-privileges: the connecting user owns every object, no GRANTs)' : '');
  return `the target server has no role${names.length === 1 ? '' : 's'} ${firstFew(described)}, which the restored objects need${why}. Nothing was written. ${ways}.`;
}

/**
 * pg_restore's own `role "x" does not exist`, with the ways forward. The pre-restore check cannot see every
 * case (a table of contents too large to hold, a role named in a way it does not parse, a later database
 * of a multi-database restore): those failures still say what to do.
 */
export function withMissingRoleHint(detail: string): string {
  const role = /role "((?:[^"]|"")+)" does not exist/.exec(detail);
  if (!role) return detail;
  return `${detail} (pg_dump holds no roles: create role ${role[1]} on the target first, or restore with --no-owner)`;
}
