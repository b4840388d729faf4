// A RESP2 reply parser over a byte buffer: returns the reply and where it ended, or undefined when
// the buffer does not hold a complete reply yet. Used for the handshake before SYNC.
export type RespReply = string | number | Buffer | null | RespError | RespReply[];

export class RespError {
  constructor(readonly message: string) {}
}

export interface Parsed<T> {
  value: T;
  next: number;
}

function lineEnd(buffer: Buffer, from: number): number {
  const end = buffer.indexOf('\r\n', from, 'latin1');
  return end;
}

export function parseReply(buffer: Buffer, offset = 0): Parsed<RespReply> | undefined {
  if (offset >= buffer.length) return undefined;
  const end = lineEnd(buffer, offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('latin1', offset + 1, end);
  const after = end + 2;
  switch (type) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new RespError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buffer.length < after + length + 2) return undefined;
      return { value: buffer.subarray(after, after + length), next: after + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespReply[] = [];
      let next = after;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buffer, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected reply from the server (starts with ${JSON.stringify(type)})`);
  }
}
