// The FAKE mongod's wire framing (test/helpers/fake-mongod/wire-protocol.ts) against the driver's own
// message encoders: OP_MSG with a body and a document sequence, and the OP_QUERY handshake, cut at
// every byte boundary; replies the driver's OP_MSG and OP_REPLY decoders read back.
import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { encodeOpMsg, encodeOpReply, MessageReader, parseMessage, OP_MSG, OP_REPLY } from '../../helpers/fake-mongod/wire-protocol.js';

const DOC = (n: number) => Buffer.from(BSON.serialize({ n, pad: 'x'.repeat(n) }));

/** OP_MSG as the driver lays it out: header, flags, kind 0 body, kind 1 "documents" sequence. */
function opMsg(requestId: number, body: Buffer, docs: Buffer[], flags = 0): Buffer {
  const id = Buffer.from('documents\0');
  const seqSize = 4 + id.length + docs.reduce((s, d) => s + d.length, 0);
  const seq = Buffer.alloc(1 + 4);
  seq[0] = 1;
  seq.writeInt32LE(seqSize, 1);
  const parts = [Buffer.alloc(16), Buffer.alloc(4), Buffer.from([0]), body, seq, id, ...docs];
  const message = Buffer.concat(parts);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(flags, 16);
  return message;
}

function opQuery(requestId: number, namespace: string, query: Buffer): Buffer {
  const ns = Buffer.from(`${namespace}\0`);
  const message = Buffer.concat([Buffer.alloc(16), Buffer.alloc(4), ns, Buffer.alloc(8), query]);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(2004, 12);
  return message;
}

describe('fake mongod wire framing', () => {
  const body = Buffer.from(BSON.serialize({ insert: 'c', ordered: false, $db: 'db' }));
  const docs = [DOC(1), DOC(300), DOC(7)];

  it('reassembles messages cut at any byte and parses both OP_MSG section kinds', () => {
    const stream = Buffer.concat([opMsg(7, body, docs), opQuery(8, 'admin.$cmd', Buffer.from(BSON.serialize({ isMaster: 1 })))]);
    for (const cut of [1, 3, 16, 21, 100, stream.length - 1]) {
      const reader = new MessageReader();
      const messages = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(messages).toHaveLength(2);
      const msg = parseMessage(messages[0]!);
      expect(msg.kind).toBe('msg');
      expect(msg.header.requestId).toBe(7);
      expect(BSON.deserialize(msg.body)).toEqual({ insert: 'c', ordered: false, $db: 'db' });
      expect(msg.sequences.get('documents')!.map((d) => d.toString('hex'))).toEqual(docs.map((d) => d.toString('hex')));
      const query = parseMessage(messages[1]!);
      expect(query).toMatchObject({ kind: 'query', namespace: 'admin.$cmd' });
      expect(BSON.deserialize(query.body)).toEqual({ isMaster: 1 });
    }
  });

  it('reads moreToCome and refuses checksums, unknown sections and malformed lengths', () => {
    expect(parseMessage(opMsg(1, body, [], 2)).moreToCome).toBe(true);
    expect(() => parseMessage(opMsg(1, body, [], 1))).toThrow(/checksum/);
    const bad = opMsg(1, body, []);
    bad[20] = 9;
    expect(() => parseMessage(bad)).toThrow(/section kind 9/);
    expect(() => new MessageReader().push(Buffer.from([3, 0, 0, 0]))).toThrow(/invalid message length/);
  });

  it('writes replies with the request id as responseTo', () => {
    const reply = Buffer.from(BSON.serialize({ ok: 1 }));
    const msg = encodeOpMsg(42, reply);
    expect(msg.readInt32LE(0)).toBe(msg.length);
    expect(msg.readInt32LE(8)).toBe(42);
    expect(msg.readInt32LE(12)).toBe(OP_MSG);
    expect(msg[20]).toBe(0);
    expect(BSON.deserialize(msg.subarray(21))).toEqual({ ok: 1 });
    const legacy = encodeOpReply(43, reply);
    expect(legacy.readInt32LE(8)).toBe(43);
    expect(legacy.readInt32LE(12)).toBe(OP_REPLY);
    expect(legacy.readInt32LE(32)).toBe(1); // numberReturned
    expect(BSON.deserialize(legacy.subarray(36))).toEqual({ ok: 1 });
  });
});
