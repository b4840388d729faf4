// A `.bson` file is BSON documents back to back: each starts with its int32 little-endian length
// (length included) and ends with a 0x00 byte. The splitter cuts a chunked stream back into documents,
// holding at most one partial document; it refuses anything that cannot be a document.

/** The server's limit is 16 MiB per document; internal documents may carry up to 16 KiB more. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 + 16 * 1024;
const MIN_DOCUMENT_BYTES = 5;

export class BsonSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private offset = 0;

  constructor(private readonly label: string) {}

  /** The complete documents that `chunk` finishes; each is a view (or copy) of exactly one document. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    let data: Buffer;
    if (this.pendingBytes > 0) {
      data = Buffer.concat([...this.pending, chunk]);
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      data = chunk;
    }
    const docs: Buffer[] = [];
    let at = 0;
    while (data.length - at >= 4) {
      const size = data.readInt32LE(at);
      if (size < MIN_DOCUMENT_BYTES || size > MAX_DOCUMENT_BYTES) {
        throw new Error(`${this.label}: invalid BSON document length ${size} at byte ${this.offset + at}`);
      }
      if (data.length - at < size) break;
      if (data[at + size - 1] !== 0) {
        throw new Error(`${this.label}: the BSON document at byte ${this.offset + at} does not end with a 0x00 byte`);
      }
      docs.push(data.subarray(at, at + size));
      at += size;
    }
    this.offset += at;
    if (at < data.length) {
      const rest = data.subarray(at);
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
    return docs;
  }

  /** Call at the end of the stream: a partial document left over means the file was cut short. */
  end(): void {
    if (this.pendingBytes > 0) {
      throw new Error(`${this.label}: the file ends inside a BSON document (${this.pendingBytes} trailing bytes)`);
    }
  }
}
