import { z } from 'zod';
import type { ConfigProblem } from './config.js';

/** Where files live: DATA_DIR's blobs folder, or an S3-compatible bucket shared by every process. */
export type StorageConfig =
  | { kind: 'disk' }
  | {
      kind: 's3';
      bucket: string;
      /** Prepended to every key, with its trailing slash ('' for the whole bucket). */
      prefix: string;
      /** Set for S3-compatible stores (MinIO, R2, ...); unset: AWS. */
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
    };

export interface StorageSettings {
  storage: StorageConfig;
  /** stream: results and uploads flow through this server; redirect: a 302 to a presigned storage URL. */
  resultDelivery: 'stream' | 'redirect';
  /** How long a presigned URL of a redirect stays valid. */
  redirectUrlTtlSeconds: number;
  /** This process's local scratch root (fetched media, engine outputs). */
  scratchDir: string;
}

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The storage variables; config.ts merges them into its one environment schema. */
export const storageEnvShape = {
  /** s3://bucket/prefix : results and uploads in object storage (unset: DATA_DIR/blobs). */
  STORAGE_URL: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 's3://bucket or s3://bucket/prefix (a bucket name of 3-63 lowercase letters, digits, dots and hyphens)')
    .optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.optional(),
  RESULT_DELIVERY: z.enum(['stream', 'redirect']).default('stream'),
  RESULT_REDIRECT_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(300),
  /** Local scratch for a task's media and engine output; default DATA_DIR/scratch. */
  SCRATCH_DIR: z.string().min(1).optional(),
};

type StorageEnv = { [K in keyof typeof storageEnvShape]: z.infer<(typeof storageEnvShape)[K]> } & { DATA_DIR: string };

/** The storage settings, and the problems of their combination (each parsed variable is already checked on its own). */
export function parseStorageEnv(e: Partial<StorageEnv>, env: Record<string, string | undefined>, problems: ConfigProblem[]): StorageSettings {
  let storage: StorageConfig = { kind: 'disk' };
  if (e.STORAGE_URL) {
    const rest = e.STORAGE_URL.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    storage = {
      kind: 's3',
      bucket,
      prefix: prefix ? `${prefix}/` : '',
      endpoint: e.S3_ENDPOINT?.replace(/\/+$/, ''),
      // The SDK's own default chain reads AWS_REGION only from its config file otherwise; us-east-1 answers for any bucket.
      region: e.S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: e.S3_FORCE_PATH_STYLE ?? false,
    };
  } else if (env.STORAGE_URL === undefined) {
    for (const name of ['S3_ENDPOINT', 'S3_REGION', 'S3_FORCE_PATH_STYLE'] as const) {
      if (env[name] !== undefined) problems.push({ variable: name, message: 'only used with STORAGE_URL=s3://bucket/prefix, which is not set' });
    }
  }
  if (e.RESULT_DELIVERY === 'redirect' && storage.kind !== 's3' && env.STORAGE_URL === undefined) {
    problems.push({ variable: 'RESULT_DELIVERY', message: 'redirect needs object storage (STORAGE_URL=s3://bucket/prefix); local files are always streamed' });
  }
  return {
    storage,
    resultDelivery: e.RESULT_DELIVERY ?? 'stream',
    redirectUrlTtlSeconds: e.RESULT_REDIRECT_TTL_SECONDS ?? 300,
    scratchDir: e.SCRATCH_DIR ?? `${(e.DATA_DIR ?? './data').replace(/\/+$/, '')}/scratch`,
  };
}
