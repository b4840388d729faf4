// `${env:NAME}` and `${file:PATH}` references. They are resolved only when a value is needed (never by
// validate or render), and no resolved value ever appears in an error message.
import * as fs from 'node:fs';

const REFERENCE_RE = /\$\{(env|file):([^}]*)\}/g;

export class SecretReferenceError extends Error {
  readonly reference: string;
  constructor(reference: string, message: string) {
    super(message);
    this.name = 'SecretReferenceError';
    this.reference = reference;
  }
}

/** Every `${env:…}` / `${file:…}` reference in a string, as written. */
export function findSecretReferences(value: string): string[] {
  return [...value.matchAll(REFERENCE_RE)].map((m) => m[0]);
}

export function hasSecretReference(value: string): boolean {
  return findSecretReferences(value).length > 0;
}

type ReadFile = (path: string, encoding: 'utf8') => string;

/**
 * Returns a resolver that replaces every reference in a string. A missing variable or unreadable file
 * throws SecretReferenceError naming the variable or file and how to provide it.
 */
export function createSecretResolver(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
  readFile: ReadFile = fs.readFileSync as ReadFile,
): (value: string) => string {
  return (value: string): string =>
    value.replace(REFERENCE_RE, (whole: string, kind: string, name: string) => {
      if (name.trim() === '') {
        throw new SecretReferenceError(whole, `empty secret reference ${whole}: write \${env:NAME} or \${file:/path/to/secret}`);
      }
      return kind === 'env' ? resolveEnv(env, name, whole) : resolveFile(readFile, name, whole);
    });
}

function resolveEnv(env: Record<string, string | undefined>, name: string, whole: string): string {
  const v = env[name];
  if (v === undefined) {
    throw new SecretReferenceError(
      whole,
      `environment variable ${name} is not set (referenced as ${whole}); export it, or put it in the scheduler's environment_file (e.g. /etc/strata/strata.env)`,
    );
  }
  return v;
}

function resolveFile(readFile: ReadFile, path: string, whole: string): string {
  let text: string;
  try {
    text = readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : `cannot be read (${code ?? 'error'})`;
    // The error object of a failed read may quote bytes of the file; only the code is used here.
    throw new SecretReferenceError(
      whole,
      `secret file ${path} ${why} (referenced as ${whole}); create it with the secret as its only content and make it readable by the user running strata`,
    );
  }
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}
