// RESP encoding of commands (arrays of bulk strings), as redis-cli --pipe and every server read them.
export type RespArg = string | Buffer | number;

function bulk(arg: RespArg): Buffer[] {
  const data = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
  return [Buffer.from(`$${data.length}\r\n`, 'latin1'), data, CRLF];
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** Encode one command; the parts are returned unjoined so batches can be concatenated once. */
export function encodeCommandParts(args: readonly RespArg[]): Buffer[] {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) parts.push(...bulk(arg));
  return parts;
}

export function encodeCommand(args: readonly RespArg[]): Buffer {
  return Buffer.concat(encodeCommandParts(args));
}
