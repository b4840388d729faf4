// A RESP2 reply parser over a byte buffer: returns the reply and where it ended, or undefined when
// the buffer does not hold a complete reply yet (then `replyNeed` holds a lower bound of the bytes,
// counted from the offset, that it must hold before a retry can succeed).
export type RespReply = string | number | Buffer | null | RespError | RespReply[];

export class RespError {
  constructor(readonly message: string) {}
}

export interface Parsed<T> {
  value: T;
  next: number;
}

/** Set when parseReply returns undefined. */
export let replyNeed = 0;

function incomplete(from: number, atLeast: number): undefined {
  replyNeed = atLeast - from;
  return undefined;
}

function parseAt(buffer: Buffer, offset: number, origin: number): Parsed<RespReply> | undefined {
  if (offset >= buffer.length) return incomplete(origin, offset + 1);
  const end = buffer.indexOf(13, offset);
  if (end < 0 || end + 1 >= buffer.length) return incomplete(origin, buffer.length + 1);
  const type = buffer[offset]!;
  const after = end + 2;
  switch (type) {
    case 0x2b: // +
      return { value: buffer.toString('latin1', offset + 1, end), next: after };
    case 0x2d: // -
      return { value: new RespError(buffer.toString('utf8', offset + 1, end)), next: after };
    case 0x3a: // :
      return { value: Number(buffer.toString('latin1', offset + 1, end)), next: after };
    case 0x24: {
      // $
      const length = Number(buffer.toString('latin1', offset + 1, end));
      if (length < 0) return { value: null, next: after };
      if (buffer.length < after + length + 2) return incomplete(origin, after + length + 2);
      return { value: buffer.subarray(after, after + length), next: after + length + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(buffer.toString('latin1', offset + 1, end));
      if (count < 0) return { value: null, next: after };
      const items: RespReply[] = new Array(count);
      let next = after;
      for (let i = 0; i < count; i += 1) {
        const item = parseAt(buffer, next, origin);
        if (!item) return undefined;
        items[i] = item.value;
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected reply from the server (starts with ${JSON.stringify(String.fromCharCode(type))})`);
  }
}

export function parseReply(buffer: Buffer, offset = 0): Parsed<RespReply> | undefined {
  return parseAt(buffer, offset, offset);
}
