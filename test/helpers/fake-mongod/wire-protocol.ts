// MongoDB wire protocol framing for the fake mongod: a 16-byte header (length, requestID, responseTo,
// opCode), then OP_MSG (flags; a kind-0 body section and any kind-1 document sequences, which the driver
// uses for insert's `documents`) or the legacy OP_QUERY that the driver still sends for its first
// handshake (isMaster on admin.$cmd). Replies are OP_MSG, or OP_REPLY to an OP_QUERY.
// OP_COMPRESSED is refused: the fake never advertises a compressor, so a driver never sends one.

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER = 16;
/** mongod's maxMessageSizeBytes. */
export const MAX_MESSAGE_BYTES = 48_000_000;

const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface CommandMessage {
  header: MessageHeader;
  kind: 'msg' | 'query';
  /** The command document: OP_MSG's kind-0 section, or OP_QUERY's query. */
  body: Buffer;
  /** OP_MSG kind-1 sections: identifier → raw documents. */
  sequences: Map<string, Buffer[]>;
  /** OP_MSG moreToCome: the client expects no reply. */
  moreToCome: boolean;
  /** OP_QUERY's full collection name (`admin.$cmd`). */
  namespace?: string;
}

/** Accumulates socket chunks and hands out whole messages. */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [data];
      const length = data.readInt32LE(0);
      if (length < HEADER || length > MAX_MESSAGE_BYTES) throw new Error(`fake-mongod: invalid message length ${length}`);
      if (data.length < length) break;
      out.push(data.subarray(0, length));
      const rest = data.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return out;
  }
}

export function readHeader(message: Buffer): MessageHeader {
  return { length: message.readInt32LE(0), requestId: message.readInt32LE(4), responseTo: message.readInt32LE(8), opCode: message.readInt32LE(12) };
}

function documentAt(message: Buffer, at: number, end: number): Buffer {
  if (at + 4 > end) throw new Error('fake-mongod: message ends inside a document');
  const size = message.readInt32LE(at);
  if (size < 5 || at + size > end) throw new Error(`fake-mongod: invalid document size ${size} in a message`);
  return message.subarray(at, at + size);
}

export function parseMessage(message: Buffer): CommandMessage {
  const header = readHeader(message);
  if (header.length !== message.length) throw new Error('fake-mongod: message length mismatch');
  if (header.opCode === OP_MSG) return parseOpMsg(message, header);
  if (header.opCode === OP_QUERY) return parseOpQuery(message, header);
  throw new Error(`fake-mongod: unsupported opCode ${header.opCode}${header.opCode === OP_COMPRESSED ? ' (OP_COMPRESSED: the fake offers no compressor)' : ''}`);
}

function parseOpMsg(message: Buffer, header: MessageHeader): CommandMessage {
  const flags = message.readUInt32LE(HEADER);
  if (flags & CHECKSUM_PRESENT) throw new Error('fake-mongod: unsupported OP_MSG checksum');
  // Bits 0-15 are required: an unknown one must fail (OP_MSG spec). 0: checksum, 1: moreToCome.
  if ((flags & 0xffff) & ~(CHECKSUM_PRESENT | MORE_TO_COME)) throw new Error(`fake-mongod: unknown required OP_MSG flag bits ${flags}`);
  let body: Buffer | undefined;
  const sequences = new Map<string, Buffer[]>();
  let at = HEADER + 4;
  const end = message.length;
  while (at < end) {
    const kind = message[at]!;
    at += 1;
    if (kind === 0) {
      if (body) throw new Error('fake-mongod: OP_MSG with two body sections');
      body = documentAt(message, at, end);
      at += body.length;
    } else if (kind === 1) {
      const size = message.readInt32LE(at);
      const sectionEnd = at + size;
      if (size < 5 || sectionEnd > end) throw new Error('fake-mongod: invalid document sequence size');
      const idEnd = message.indexOf(0, at + 4);
      if (idEnd === -1 || idEnd >= sectionEnd) throw new Error('fake-mongod: invalid document sequence identifier');
      const identifier = message.toString('utf8', at + 4, idEnd);
      const docs: Buffer[] = [];
      let p = idEnd + 1;
      while (p < sectionEnd) {
        const doc = documentAt(message, p, sectionEnd);
        docs.push(doc);
        p += doc.length;
      }
      if (sequences.has(identifier)) throw new Error(`fake-mongod: two document sequences named ${identifier}`);
      sequences.set(identifier, docs);
      at = sectionEnd;
    } else {
      throw new Error(`fake-mongod: unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new Error('fake-mongod: OP_MSG without a body section');
  return { header, kind: 'msg', body, sequences, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(message: Buffer, header: MessageHeader): CommandMessage {
  let at = HEADER + 4; // flags
  const nsEnd = message.indexOf(0, at);
  if (nsEnd === -1) throw new Error('fake-mongod: OP_QUERY without a namespace');
  const namespace = message.toString('utf8', at, nsEnd);
  at = nsEnd + 1 + 8; // numberToSkip, numberToReturn
  const body = documentAt(message, at, message.length);
  if (!namespace.endsWith('.$cmd')) throw new Error(`fake-mongod: OP_QUERY on ${namespace}: only commands are supported (legacy queries were removed in MongoDB 6.0)`);
  return { header, kind: 'query', body, sequences: new Map(), moreToCome: false, namespace };
}

let nextRequestId = 1;

function headerFor(length: number, responseTo: number, opCode: number): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeInt32LE(length, 0);
  nextRequestId = (nextRequestId + 1) & 0x7fffffff;
  header.writeInt32LE(nextRequestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return header;
}

/** An OP_MSG reply: flags 0, one kind-0 section. */
export function encodeOpMsg(responseTo: number, body: Buffer): Buffer {
  const length = HEADER + 4 + 1 + body.length;
  return Buffer.concat([headerFor(length, responseTo, OP_MSG), Buffer.alloc(4), Buffer.from([0]), body]);
}

/** An OP_REPLY carrying one document (the reply to an OP_QUERY command). */
export function encodeOpReply(responseTo: number, body: Buffer): Buffer {
  const fields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  const length = HEADER + fields.length + body.length;
  return Buffer.concat([headerFor(length, responseTo, OP_REPLY), fields, body]);
}
