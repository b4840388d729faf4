// The server side of SCRAM-SHA-256 (RFC 7677, as mongod speaks it through saslStart / saslContinue), so
// a test can put a real password in a URI and see a wrong one refused with mongod's "Authentication
// failed." (code 18). Users live in `admin`; passwords are used as given (no SASLprep: test passwords
// are ASCII). The server answers `done: true` with its signature, as mongod does when the driver asks
// to skip the empty exchange.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Binary, Int32 } from 'mongodb';
import { CommandError } from './command-error.js';
import type { CommandContext, FakeUser, Handler } from './command-context.js';
import { encodeReply, getField, T } from './raw-bson.js';

const ITERATIONS = 4096; // the minimum the driver accepts; mongod's default is 15000
const MECHANISM = 'SCRAM-SHA-256';

interface Conversation {
  user: FakeUser;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  salted: Buffer;
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

function authFailed(): CommandError {
  return new CommandError('AuthenticationFailed', 'Authentication failed.');
}

function payloadText(ctx: CommandContext): string {
  const payload = getField(ctx.body, 'payload');
  if (!payload) throw new CommandError('BadValue', 'no payload');
  if (payload.type === T.binary) return payload.bytes.subarray(5).toString('utf8');
  if (payload.type === T.string) return payload.bytes.toString('utf8', 4, payload.bytes.length - 1);
  throw new CommandError('BadValue', 'payload must be binary');
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

function reply(conversationId: number, payload: string, done: boolean): Buffer {
  return encodeReply({ conversationId: new Int32(conversationId), done, payload: new Binary(Buffer.from(payload, 'utf8')), ok: 1 });
}

export const saslStart: Handler = (ctx) => {
  if (ctx.cmd.mechanism !== MECHANISM) throw new CommandError('BadValue', `fake-mongod: unsupported mechanism ${String(ctx.cmd.mechanism)} (only ${MECHANISM})`);
  const text = payloadText(ctx);
  if (!text.startsWith('n,,')) throw authFailed();
  const clientFirstBare = text.slice(3);
  const attrs = attributes(clientFirstBare);
  const name = (attrs.get('n') ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
  const user = ctx.db === 'admin' ? ctx.settings.users.find((u) => u.user === name) : undefined;
  const clientNonce = attrs.get('r');
  if (!user || !clientNonce) throw authFailed();
  const salt = randomBytes(16);
  const nonce = `${clientNonce}${randomBytes(18).toString('base64')}`;
  const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
  const salted = pbkdf2Sync(Buffer.from(user.password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  ctx.connection.scram = { user, clientFirstBare, serverFirst, nonce, salted } satisfies Conversation;
  return reply(1, serverFirst, false);
};

export const saslContinue: Handler = (ctx) => {
  const conversation = ctx.connection.scram as Conversation | undefined;
  ctx.connection.scram = undefined;
  if (!conversation) throw new CommandError('BadValue', 'No SASL session state found');
  const text = payloadText(ctx);
  const attrs = attributes(text);
  const proof = attrs.get('p');
  if (attrs.get('r') !== conversation.nonce || !proof) throw authFailed();
  const withoutProof = text.slice(0, text.lastIndexOf(',p='));
  const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${withoutProof}`;
  const clientKey = hmac(conversation.salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const clientSignature = hmac(storedKey, authMessage);
  const given = Buffer.from(proof, 'base64');
  if (given.length !== clientKey.length) throw authFailed();
  const recovered = Buffer.from(given.map((byte, i) => byte ^ clientSignature[i]!));
  if (!timingSafeEqual(createHash('sha256').update(recovered).digest(), storedKey)) throw authFailed();
  ctx.connection.user = conversation.user.user;
  const serverSignature = hmac(hmac(conversation.salted, 'Server Key'), authMessage);
  return reply(1, `v=${serverSignature.toString('base64')}`, true);
};
