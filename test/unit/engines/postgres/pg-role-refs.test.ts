import { describe, expect, it } from 'vitest';
import { collectRoles, missingRolesMessage, neededRoles, withMissingRoleHint, type RoleUses } from '../../../../src/engines/postgres/pg-role-refs.js';
import { SqlStatementSplitter, type SqlToken } from '../../../../src/engines/postgres/pg-sql-lexer.js';

// Excerpts of real `pg_restore --schema-only --file=-` output (PostgreSQL 15), with the odd cases a dump can hold.
const SCRIPT = `--
-- PostgreSQL database dump
--

\\restrict nqBstxjRZ6E373vwwGpSFkoEkFkd9jb9KgZsT4G0hUHgaghB7qMuQlyqMusU1UU

SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: s2; Type: SCHEMA; Schema: -; Owner: app
--

CREATE SCHEMA s2;


ALTER SCHEMA s2 OWNER TO app;

--
-- Name: tricky(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.tricky() RETURNS void
    LANGUAGE plpgsql
    AS $body$
BEGIN
  EXECUTE 'ALTER TABLE x OWNER TO ghost';
  ALTER TABLE y OWNER TO ghost2;
END
$body$;


ALTER FUNCTION public.tricky() OWNER TO postgres;

--
-- Name: odd
name TO x; Type: TABLE; Schema: public; Owner: Mixed Case
--

CREATE TABLE public."odd
name TO x" (
    id integer
);


ALTER TABLE public."odd
name TO x" OWNER TO "Mixed Case";

--
-- Name: TABLE t; Type: COMMENT; Schema: public; Owner: app
--

COMMENT ON TABLE public.t IS 'multi
ALTER TABLE z OWNER TO ghost3;';
COMMENT ON COLUMN public.t.v IS E'it\\'s; GRANT ALL ON t TO ghost4;';

/* a comment /* nested */ GRANT ALL ON t TO ghost5; */

--
-- Name: USER MAPPING Mixed Case SERVER loopsrv; Type: USER MAPPING; Schema: -; Owner: postgres
--

CREATE USER MAPPING FOR "Mixed Case" SERVER loopsrv OPTIONS (
    "user" 'x'
);
CREATE USER MAPPING FOR public SERVER loopsrv;

--
-- Name: t p; Type: POLICY; Schema: public; Owner: app
--

CREATE POLICY p ON public.t FOR SELECT TO reporting, "we;ird ""r""" USING ((id > 0));
CREATE POLICY "to" ON public.t USING ((v <> 'TO ghost6'::text));

--
-- Name: SCHEMA s2; Type: ACL; Schema: -; Owner: app
--

GRANT ALL ON SCHEMA s2 TO reporting WITH GRANT OPTION;
SET SESSION AUTHORIZATION reporting;
GRANT USAGE ON SCHEMA s2 TO "we;ird ""r""";
RESET SESSION AUTHORIZATION;
GRANT SELECT ON TABLE public."odd
name TO x" TO "Mixed Case";
REVOKE ALL ON TABLE public.t FROM app;
GRANT EXECUTE ON FUNCTION public.f("to" integer) TO PUBLIC;
GRANT UPDATE(v) ON TABLE public.t TO grantee GRANTED BY grantor;

--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: s2; Owner: app
--

ALTER DEFAULT PRIVILEGES FOR ROLE app, "Other" IN SCHEMA s2 GRANT SELECT ON TABLES  TO reporting;
ALTER DEFAULT PRIVILEGES FOR ROLE app REVOKE GRANT OPTION FOR ALL ON FUNCTIONS FROM revoked;

\\unrestrict nqBstxjRZ6E373vwwGpSFkoEkFkd9jb9KgZsT4G0hUHgaghB7qMuQlyqMusU1UU
`;

const asObject = (uses: RoleUses): Record<string, string[]> => Object.fromEntries([...uses].map(([role, kinds]) => [role, [...kinds].sort()]));

describe('roles named by a pg_restore script', () => {
  it('finds owners, grantees, grantors, default-privilege owners, policy roles and user mappings; nothing in bodies, strings or comments', () => {
    expect(asObject(collectRoles(SCRIPT))).toEqual({
      app: ['owner', 'privileges'],
      postgres: ['owner'],
      'Mixed Case': ['owner', 'privileges', 'user mapping'],
      reporting: ['policy', 'privileges'],
      'we;ird "r"': ['policy', 'privileges'],
      grantee: ['privileges'],
      grantor: ['privileges'],
      Other: ['privileges'],
      revoked: ['privileges'],
    });
  });

  it('with --no-owner only policies and user mappings still need their roles', () => {
    expect(asObject(neededRoles(collectRoles(SCRIPT), true))).toEqual({
      'Mixed Case': ['user mapping'],
      reporting: ['policy'],
      'we;ird "r"': ['policy'],
    });
  });

  it('splits statements at top-level semicolons only, folds unquoted words, keeps quoted names exact', () => {
    const statements: SqlToken[][] = [];
    const splitter = new SqlStatementSplitter((tokens) => statements.push(tokens));
    for (const line of ['CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));', 'Grant "A""b" $$x;$$ ;', 'SELECT 1']) splitter.pushLine(line);
    splitter.end();
    expect(statements).toHaveLength(3);
    expect(statements[1]).toEqual([
      { kind: 'word', text: 'grant' },
      { kind: 'ident', text: 'A"b' },
      { kind: 'string', text: '' },
    ]);
  });
});

describe('the refusal message', () => {
  const uses = (entries: [string, string[]][]): RoleUses => new Map(entries.map(([role, kinds]) => [role, new Set(kinds)])) as RoleUses;

  it('names the roles, the statements to create them, pg_dumpall --roles-only and --no-owner', () => {
    expect(missingRolesMessage(uses([['reporting', ['privileges']], ['app', ['owner']]]), false)).toBe(
      'the target server has no roles app (owner), reporting (privileges), which the restored objects need. Nothing was written. ' +
        'Create them on the target first (CREATE ROLE app; CREATE ROLE reporting;), or replay the source\'s roles with their attributes and memberships ' +
        '(`pg_dumpall --roles-only --no-role-passwords` on the source, then psql on the target); ' +
        'or restore with --no-owner (pg_restore --no-owner --no-privileges: the connecting user owns every object, no GRANTs).',
    );
  });

  it('shows five roles, then "and N more"; quotes names that need it', () => {
    const many = uses(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'User', 'user'].map((r) => [r, ['owner']]));
    const message = missingRolesMessage(many, false);
    expect(message).toContain('no roles "User" (owner), r1 (owner), r2 (owner), r3 (owner), r4 (owner) and 3 more,');
    expect(message).toContain('(CREATE ROLE "User"; CREATE ROLE r1; CREATE ROLE r2; CREATE ROLE r3; CREATE ROLE r4; …)');
  });

  it('does not offer --no-owner when policies name the role, and says why', () => {
    expect(missingRolesMessage(uses([['auditor', ['policy', 'privileges']]]), false)).toMatch(
      /^the target server has no role auditor \(policy, privileges\), which the restored objects need; --no-owner would not help for auditor \(named by row-level security policies or user mappings\)\. Nothing was written\. Create it on the target first \(CREATE ROLE auditor;\), or replay .*psql on the target\)\.$/,
    );
    expect(missingRolesMessage(uses([['auditor', ['policy']]]), true)).toMatch(/no role auditor \(policy\), which the restored objects need even with --no-owner/);
  });
});

describe("pg_restore's own missing-role error", () => {
  it('gets the ways forward; other errors are kept as they are', () => {
    expect(withMissingRoleHint('could not execute query: ERROR:  role "app" does not exist; Command was: ALTER TABLE public.t OWNER TO app;')).toBe(
      'could not execute query: ERROR:  role "app" does not exist; Command was: ALTER TABLE public.t OWNER TO app; (pg_dump holds no roles: create role app on the target first, or restore with --no-owner)',
    );
    expect(withMissingRoleHint('relation "x" does not exist')).toBe('relation "x" does not exist');
  });
});
