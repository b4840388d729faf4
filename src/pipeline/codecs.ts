// The streaming codec chains: engine → compress (zstd | gzip) → encrypt (age), and the reverse.
// Every stage is joined with stream.pipeline, so an error anywhere (engine, zstd, age, consumer)
// destroys the whole chain and surfaces on the returned stream.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, type Readable, type Duplex } from 'node:stream';
import { constants as zlibConstants, createGunzip, createGzip } from 'node:zlib';
import type { ManifestCodecs } from '../model/manifest.js';
import { createProcessStage, type Command } from './process-stage.js';

export type Compression = 'zstd' | 'gzip' | 'none';

export interface EncodeCodecs {
  compression: Compression;
  level: number;
  /** age recipients (public keys); empty means no encryption. */
  recipients: string[];
}

export interface StageOptions {
  signal?: AbortSignal;
}

/** Join stages into one readable; any failure destroys every stage and errors the returned stream. */
export function chainStreams(source: Readable, stages: Duplex[]): Readable {
  if (stages.length === 0) return source;
  // pipeline() destroys every stream, the last one included, with the first error: the consumer of the
  // returned (last) stage sees it.
  return pipeline([source, ...stages] as unknown as [Readable, ...Duplex[]], () => undefined) as unknown as Readable;
}

function zstdCommand(level: number): Command {
  // -T0: use every core; zstd's multithreading is what lets the pipeline keep up with tar.
  return { file: 'zstd', args: ['-q', '-c', `-${level}`, '-T0'] };
}

/** Recipients go through a 0600 file, never argv: argv is visible to every user via /proc. */
function writeRecipientsFile(recipients: string[]): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'strata-age-'));
  const file = join(dir, 'recipients.txt');
  writeFileSync(file, recipients.join('\n') + '\n', { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** raw engine stream → compressed → encrypted (when recipients are set). */
export function encodeStream(raw: Readable, codecs: EncodeCodecs, options: StageOptions = {}): Readable {
  const stages: Duplex[] = [];
  const commands: Command[] = [];
  let onExit: (() => void) | undefined;
  if (codecs.compression === 'zstd') commands.push(zstdCommand(codecs.level));
  else if (codecs.compression === 'gzip') stages.push(createGzip({ level: Math.min(Math.max(codecs.level, 1), zlibConstants.Z_MAX_LEVEL) }));
  if (codecs.recipients.length > 0) {
    const recipients = writeRecipientsFile(codecs.recipients);
    commands.push({ file: 'age', args: ['-e', '-R', recipients.file] });
    onExit = recipients.remove;
  }
  if (commands.length > 0) stages.push(createProcessStage(commands, { signal: options.signal, onExit }));
  return chainStreams(raw, stages);
}

/** stored artifact → decrypted → decompressed raw stream. */
export function decodeStream(
  stored: Readable,
  codecs: Pick<ManifestCodecs, 'compression' | 'encryption'>,
  identityFile?: string,
  options: StageOptions = {},
): Readable {
  const commands: Command[] = [];
  if (codecs.encryption === 'age') {
    if (!identityFile) throw new Error(missingIdentityMessage());
    commands.push({ file: 'age', args: ['-d', '-i', identityFile] });
  }
  if (codecs.compression === 'zstd') commands.push({ file: 'zstd', args: ['-q', '-d', '-c'] });
  const stages: Duplex[] = commands.length > 0 ? [createProcessStage(commands, { signal: options.signal })] : [];
  if (codecs.compression === 'gzip') stages.push(createGunzip());
  return chainStreams(stored, stages);
}

export function missingIdentityMessage(): string {
  return 'this backup is encrypted with age: pass --identity FILE or set STRATA_AGE_IDENTITY_FILE to the age identity (private key) file';
}
