// Hand-made tar archives for restore-safety tests: entries that a well-behaved packer never writes.
import { Header } from 'tar';

export interface CraftedEntry {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  content?: string;
  linkpath?: string;
  mode?: number;
}

export function craftTar(entries: CraftedEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.content ?? '', 'utf8');
    const header = new Header({
      path: entry.path,
      type: entry.type,
      size: entry.type === 'File' ? body.length : 0,
      mode: entry.mode ?? (entry.type === 'Directory' ? 0o755 : 0o644),
      mtime: new Date('2024-01-01T00:00:00Z'),
      uid: 0,
      gid: 0,
      linkpath: entry.linkpath,
    });
    header.encode();
    blocks.push(header.block!);
    if (entry.type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
