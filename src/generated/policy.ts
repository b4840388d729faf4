/* eslint-disable */
// GENERATED from schema/strata.schema.json by `npm run gen`. Do not edit by hand.

/**
 * How `strata apply` installs the schedules. Defaults to {type: none}.
 */
export type Scheduler = SystemdScheduler | CronScheduler | NoScheduler;
/**
 * A data source. The `type` selects the engine.
 */
export type Source = FilesSource | RedisSource | PostgresSource | MongodbSource;
/**
 * Where a tier stores its objects.
 */
export type Storage = LocalStorage | S3Storage;
/**
 * Compression codec of artifacts.
 */
export type Compression = 'zstd' | 'gzip' | 'none';
/**
 * Codec level (zstd 1-19, gzip 1-9).
 */
export type CompressionLevel = number;

/**
 * One Strata policy file: the backup and recovery policy of one system.
 */
export interface StrataPolicy {
  /**
   * Policy format version. Only 1 exists.
   */
  version: 1;
  /**
   * Name of the system this policy protects. Unique across all policy files; used in storage paths, unit names and lock names.
   */
  system: string;
  /**
   * Free text shown at the top of the rendered runbook index.
   */
  description?: string;
  scheduler?: Scheduler;
  render?: Render;
  /**
   * Data sources, by name. A category's data[] entries refer to these names.
   */
  sources: {
    [k: string]: Source;
  };
  /**
   * Storage tiers (for example hot, warm, cold), by name. A category's copies[] entries refer to these names.
   */
  tiers: {
    [k: string]: Tier;
  };
  defaults?: Defaults;
  /**
   * Data categories, by name. Each has its own RPO/RTO, schedule, copies and verification.
   */
  categories: {
    [k: string]: Category;
  };
}
/**
 * Install one .service and one .timer per category and job into unit_dir.
 */
export interface SystemdScheduler {
  /**
   * Scheduler kind.
   */
  type: 'systemd';
  /**
   * Directory the unit files are written to (absolute, or relative to the policy file).
   */
  unit_dir: string;
  /**
   * Absolute path of the strata executable used in ExecStart.
   */
  strata_bin?: string;
  /**
   * Absolute path of the policies on the backup host, passed as --policies in ExecStart. Defaults to the policy file's own path.
   */
  policy_path?: string;
  /**
   * EnvironmentFile= that holds the secrets (${env:…} values). Strata never writes it.
   */
  environment_file?: string;
  /**
   * User= of the services.
   */
  user?: string;
}
/**
 * Install one cron file that Strata owns entirely (for example /etc/cron.d/strata-<system>).
 */
export interface CronScheduler {
  /**
   * Scheduler kind.
   */
  type: 'cron';
  /**
   * The cron file Strata owns (absolute, or relative to the policy file).
   */
  file: string;
  /**
   * Absolute path of the strata executable.
   */
  strata_bin?: string;
  /**
   * Absolute path of the policies on the backup host, passed as --policies. Defaults to the policy file's own path.
   */
  policy_path?: string;
  /**
   * File sourced for secrets before each run. Strata never writes it.
   */
  environment_file?: string;
  /**
   * User column of the /etc/cron.d entries.
   */
  user?: string;
}
/**
 * Install nothing; runs are triggered externally (CI, Kubernetes, by hand).
 */
export interface NoScheduler {
  /**
   * Scheduler kind.
   */
  type: 'none';
}
/**
 * Where `strata apply` keeps the rendered runbooks and a copy of the schedule units, laid out as `strata render --out DIR` lays them out (DIR/<system>/…), so that plan reports them stale and `strata render --check` passes on it.
 */
export interface Render {
  /**
   * Output directory (relative to the policy file), usually shared by every policy of a repository; files land in DIR/<system>/. Also where `strata render` writes without --out.
   */
  dir: string;
}
/**
 * Directories and files, archived as one tar stream.
 */
export interface FilesSource {
  /**
   * Engine.
   */
  type: 'files';
  /**
   * Paths to archive (absolute, or relative to the policy file).
   *
   * @minItems 1
   */
  paths: [string, ...string[]];
  /**
   * Glob patterns (picomatch) matched against paths relative to each root; matching files and directories are skipped.
   */
  exclude?: string[];
}
/**
 * A Redis server. rdb: consistent snapshot through the replication protocol; logical: SCAN + DUMP.
 */
export interface RedisSource {
  /**
   * Engine.
   */
  type: 'redis';
  /**
   * redis:// or rediss:// URL; use ${env:…} for credentials.
   */
  url: string;
  /**
   * rdb (snapshot) or logical (SCAN + DUMP, works on managed Redis).
   */
  mode?: 'rdb' | 'logical';
  /**
   * Logical database number (logical mode).
   */
  db?: number;
  /**
   * Key patterns to include (logical mode).
   */
  include?: string[];
  /**
   * Key patterns to exclude (logical mode).
   */
  exclude?: string[];
  /**
   * Persistence settings Strata manages on the server (CONFIG SET).
   */
  persistence?: {
    /**
     * RDB save rules, as in redis.conf.
     */
    save?: string;
    /**
     * Enable the append-only file.
     */
    appendonly?: boolean;
    /**
     * AOF fsync policy.
     */
    appendfsync?: 'always' | 'everysec' | 'no';
  };
  tls?: RedisTls;
}
/**
 * TLS settings for a rediss:// url (only allowed there): a private CA, a client certificate for servers that require one (tls-auth-clients yes), the name to verify. Without them rediss:// verifies the server against the system CAs (and NODE_EXTRA_CA_CERTS). These are file paths, read when Strata connects; relative paths are relative to the policy file. A rediss:// restore target (--to) on the same host as the url uses these settings too; any other is verified against the system CAs and NODE_EXTRA_CA_CERTS.
 */
export interface RedisTls {
  /**
   * PEM file of the CA certificate(s) that signed the server's certificate; trusted instead of the system CAs (like redis-cli --cacert).
   */
  ca_file?: string;
  /**
   * PEM client certificate, for mutual TLS (redis.conf tls-auth-clients yes, the default there). Needs key_file.
   */
  cert_file?: string;
  /**
   * PEM private key of cert_file (unencrypted). Its contents are never logged; make it readable only by the user Strata runs as. Needs cert_file.
   */
  key_file?: string;
  /**
   * Host name sent as SNI and checked against the server's certificate, when it differs from the url's host (connecting by IP address, through a tunnel or a load balancer).
   */
  server_name?: string;
}
/**
 * A PostgreSQL server, dumped with pg_dump -Fc.
 */
export interface PostgresSource {
  /**
   * Engine.
   */
  type: 'postgres';
  /**
   * postgres:// URL; the password goes through a passfile, never argv.
   */
  url: string;
  /**
   * Databases to dump; defaults to the URL's database.
   */
  databases?: string[];
  /**
   * Tables or schemas to include (schema.table or schema).
   */
  include?: string[];
  /**
   * Tables or schemas to exclude.
   */
  exclude?: string[];
}
/**
 * A MongoDB deployment, dumped logically in a mongodump-compatible layout.
 */
export interface MongodbSource {
  /**
   * Engine.
   */
  type: 'mongodb';
  /**
   * mongodb:// or mongodb+srv:// URI.
   */
  uri: string;
  /**
   * Namespaces to include: db or db.collection.
   */
  include?: string[];
  /**
   * Namespaces to exclude: db or db.collection.
   */
  exclude?: string[];
}
/**
 * A storage tier: where copies live and with which storage options.
 */
export interface Tier {
  /**
   * Free text shown in runbooks.
   */
  description?: string;
  storage: Storage;
  /**
   * S3 storage class for objects in this tier.
   */
  storage_class?:
    | 'STANDARD'
    | 'STANDARD_IA'
    | 'ONEZONE_IA'
    | 'INTELLIGENT_TIERING'
    | 'GLACIER'
    | 'GLACIER_IR'
    | 'DEEP_ARCHIVE';
  /**
   * Server-side encryption for S3 tiers.
   */
  sse?: 'AES256' | 'aws:kms';
  /**
   * KMS key id when sse is aws:kms.
   */
  kms_key_id?: string;
  /**
   * Object-lock retention for every object in this tier (S3 only), set as the bucket's default retention. Object lock must be enabled when the bucket is created: apply creates a missing bucket that way, and plan reports an existing bucket without it. Backups stay undeletable until their lock ends; prune waits for it.
   */
  immutable?: {
    /**
     * governance (privileged users may delete) or compliance (nobody may).
     */
    mode: 'governance' | 'compliance';
    /**
     * Retention days.
     */
    days: number;
  };
  /**
   * Whether this tier is off-host for the 3-2-1 rule. Defaults to false for local storage and true for S3.
   */
  offsite?: boolean;
  /**
   * S3 bucket versioning, a resource in plan/apply: true enables it, false suspends it; omit it to leave the bucket as it is. Buckets of immutable tiers always have versioning (object lock needs it).
   */
  versioning?: boolean;
  lifecycle?: Lifecycle;
}
/**
 * A directory on this host (or a mounted volume).
 */
export interface LocalStorage {
  /**
   * Storage kind.
   */
  type: 'local';
  /**
   * Root directory (absolute, or relative to the policy file).
   */
  path: string;
}
/**
 * An S3 bucket (AWS or compatible). Credentials come from the AWS SDK default chain, never from the policy.
 */
export interface S3Storage {
  /**
   * Storage kind.
   */
  type: 's3';
  /**
   * Bucket name.
   */
  bucket: string;
  /**
   * Key prefix inside the bucket.
   */
  prefix?: string;
  /**
   * Region; may use ${env:…}.
   */
  region?: string;
  /**
   * Custom endpoint for S3-compatible stores; may use ${env:…}.
   */
  endpoint?: string;
  /**
   * Use path-style addressing (MinIO, Ceph).
   */
  force_path_style?: boolean;
  /**
   * When the SDK sends flexible checksums: when_supported or when_required (default for custom endpoints).
   */
  checksums?: 'when_supported' | 'when_required';
  /**
   * Multipart upload part size in MiB (default 8). S3 allows 10 000 parts, so one backup artifact may reach part_size_mb × 10 000 (80 GiB by default): raise it for bigger backups. Memory use is about (queue_size + 2) parts.
   */
  part_size_mb?: number;
  /**
   * Parts uploaded in parallel (default 4).
   */
  queue_size?: number;
}
/**
 * The S3 lifecycle rule Strata owns for this tier (ID strata-<prefix>, filtered to the tier's prefix), a resource in plan/apply. Rules on the bucket that Strata did not create are kept untouched and listed in the plan. Every S3 tier gets a rule that aborts incomplete multipart uploads, even without this block.
 */
export interface Lifecycle {
  /**
   * Move objects to cheaper storage classes as they age, in increasing order of days.
   */
  transitions?: LifecycleTransition[];
  /**
   * Delete objects this many days after upload. Must not be shorter than any keep window of a copy in this tier.
   */
  expire_days?: number;
  /**
   * On versioned buckets, delete overwritten or deleted (noncurrent) versions this many days after they became noncurrent.
   */
  noncurrent_expire_days?: number;
  /**
   * Abort multipart uploads that were never completed (killed backups) this many days after they started.
   */
  abort_incomplete_multipart_days?: number;
}
/**
 * One lifecycle transition: after `days` days, objects move to `storage_class`.
 */
export interface LifecycleTransition {
  /**
   * Days after upload.
   */
  days: number;
  /**
   * Target storage class.
   */
  storage_class:
    'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
}
/**
 * Defaults applied to every category unless it overrides them.
 */
export interface Defaults {
  compression?: Compression;
  compression_level?: CompressionLevel;
  encryption?: Encryption;
  /**
   * How long a pre-restore snapshot (the live data that `strata restore` backs up before writing over it) is kept. The snapshot of the newest restore is kept whatever its age: it is the only way back from that restore. Snapshots are never copied to other tiers and never count as backups. Default 7d.
   */
  pre_restore_keep?: string;
}
/**
 * age encryption. Public recipients live in git; identities stay with responders.
 */
export interface Encryption {
  /**
   * age public keys (age1…) or SSH public keys allowed to decrypt. Empty means no encryption.
   */
  age_recipients: string[];
}
/**
 * A data category: what to protect, how fresh (RPO), how fast to recover (RTO), where copies live.
 */
export interface Category {
  /**
   * What this data is, for runbooks.
   */
  description?: string;
  /**
   * Recovery point objective: the most data loss tolerated.
   */
  rpo: string;
  /**
   * Recovery time objective: the longest restore tolerated.
   */
  rto: string;
  /**
   * The sources backed up for this category.
   *
   * @minItems 1
   */
  data: [DataRef, ...DataRef[]];
  schedule: Schedule;
  /**
   * Copies in tiers, first tier first: a backup lands there and is copied to the others.
   *
   * @minItems 1
   */
  copies: [Copy, ...Copy[]];
  verify?: Verify;
  compression?: Compression;
  compression_level?: CompressionLevel;
  encryption?: Encryption;
  /**
   * How long a pre-restore snapshot (the live data that `strata restore` backs up before writing over it) is kept. The snapshot of the newest restore is kept whatever its age: it is the only way back from that restore. Snapshots are never copied to other tiers and never count as backups. Default 7d.
   */
  pre_restore_keep?: string;
}
/**
 * One source that belongs to a category.
 */
export interface DataRef {
  /**
   * Name of a source in `sources`.
   */
  source: string;
  /**
   * Narrow the source for this category (namespaces, key patterns, tables, globs depending on the engine).
   */
  include?: string[];
  /**
   * Exclude parts of the source for this category.
   */
  exclude?: string[];
}
/**
 * When backups run, as 5-field cron expressions (minute hour day-of-month month day-of-week) in UTC unless timezone is set.
 */
export interface Schedule {
  /**
   * Cron expression for full backups.
   */
  full: string;
  /**
   * Cron expression for incremental backups; every source of the category must support them.
   */
  incremental?: string;
  /**
   * IANA time zone of the cron expressions.
   */
  timezone?: string;
}
/**
 * One copy of the category's backups in a tier, with its retention.
 */
export interface Copy {
  /**
   * Name of a tier in `tiers`.
   */
  tier: string;
  keep: Keep;
  /**
   * Copy to this tier at most once per period: the newest backup goes to the tier when the tier's newest copy (of this category and source) is at least this old; omit it to copy every backup. Meant for cold and archive tiers whose storage classes bill a minimum storage duration: with a 5-minute schedule, a GLACIER tier would otherwise receive, and soon prune, a copy every 5 minutes. Not allowed on the first copy, which every backup writes. hourly, daily, weekly, monthly (30 days), quarterly, yearly, or a duration such as 14d.
   */
  every?: string;
}
/**
 * GFS retention counts (restic `forget` semantics): the newest backup in each of the last N hours/days/ISO weeks/months/years, plus the last N backups.
 */
export interface Keep {
  /**
   * Keep the last N backups.
   */
  last?: number;
  /**
   * Keep one backup for each of the last N hours.
   */
  hourly?: number;
  /**
   * Keep one backup for each of the last N days.
   */
  daily?: number;
  /**
   * Keep one backup for each of the last N ISO weeks.
   */
  weekly?: number;
  /**
   * Keep one backup for each of the last N months.
   */
  monthly?: number;
  /**
   * Keep one backup for each of the last N years.
   */
  yearly?: number;
}
/**
 * Verification cadence. checksum re-reads every copy; restore_test restores into scratch and compares with the manifest; drill restores every source and times it against the RTO.
 */
export interface Verify {
  /**
   * How often every copy is re-read and its sha256 checked.
   */
  checksum?: string;
  /**
   * How often the latest backup is restored into scratch and compared.
   */
  restore_test?: string;
  /**
   * How often a full recovery drill runs.
   */
  drill?: string;
}
