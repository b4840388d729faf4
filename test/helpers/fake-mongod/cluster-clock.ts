// The fake's logical clock: every write advances it, every reply can carry it as `$clusterTime` and
// `operationTime`, and snapshot reads name a point of it (`atClusterTime`). Held as a BigInt
// (seconds << 32 | increment), the layout of a BSON Timestamp.
import { Timestamp } from 'mongodb';

export class ClusterClock {
  private seconds = Math.floor(Date.now() / 1000);
  private increment = 0;

  /** The time of the last write (or of start-up). */
  now(): bigint {
    return (BigInt(this.seconds) << 32n) | BigInt(this.increment);
  }

  /** A new, later time for a write. */
  tick(): bigint {
    const wall = Math.floor(Date.now() / 1000);
    if (wall > this.seconds) {
      this.seconds = wall;
      this.increment = 1;
    } else {
      this.increment += 1;
    }
    return this.now();
  }
}

export function toTimestamp(time: bigint): Timestamp {
  return new Timestamp({ t: Number(time >> 32n), i: Number(time & 0xffffffffn) });
}
