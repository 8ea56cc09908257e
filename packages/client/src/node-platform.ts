import { WangateError } from './errors.js';

/**
 * Node's file system, loaded only when a Node-only feature runs (paths, saveContent), so the SDK
 * stays importable in browsers. Only the few calls the SDK makes are typed here.
 */
export interface NodeFileHandle {
  write(data: Uint8Array, offset?: number, length?: number): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

interface NodeFs {
  openAsBlob(path: string, options?: { type?: string }): Promise<Blob>;
  promises: {
    stat(path: string): Promise<{ size: number }>;
    open(path: string, flags: string, mode?: number): Promise<NodeFileHandle>;
    rename(from: string, to: string): Promise<void>;
    rm(path: string, options?: { force?: boolean }): Promise<void>;
  };
}

export function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/** node:fs, or an error naming the feature when this is not Node. */
export async function nodeFs(feature: string): Promise<NodeFs> {
  if (!isNode()) throw new WangateError(`${feature} needs Node.js (in a browser, pass a Blob or File)`);
  // A computed specifier keeps bundlers from pulling node:fs into browser builds.
  const specifier = 'node:fs';
  return (await import(/* @vite-ignore */ specifier)) as NodeFs;
}

/** Writes all of `data` at the file's current position. */
export async function writeAll(file: NodeFileHandle, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await file.write(data, done, data.length - done)).bytesWritten;
}
