import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Wangate } from '@wangate/client';
import { NoKeyError, UsageError } from './exit-codes.js';
import type { Output } from './output.js';

export interface Profile {
  base_url?: string;
  api_key?: string;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

export interface ConnectionFlags {
  profile?: string | undefined;
  'base-url'?: string | undefined;
  'api-key'?: string | undefined;
}

export const defaultBaseUrl = 'http://localhost:8080';

/** $XDG_CONFIG_HOME/wangate/config.json (XDG's default: ~/.config). */
export function configPath(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'wangate', 'config.json');
}

export async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  const text = await readFile(configPath(env), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (text === null) return { profiles: {} };
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { profiles: parsed.profiles ?? {} };
  } catch {
    throw new UsageError(`${configPath(env)} is not valid JSON`);
  }
}

/** Writes a profile; the file holds keys, so it is readable by its owner only (0600, in a 0700 folder). */
export async function saveProfile(env: NodeJS.ProcessEnv, name: string, profile: Profile): Promise<string> {
  const file = configPath(env);
  const config = await readConfig(env);
  config.profiles[name] = profile;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

export function profileName(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string {
  return flags.profile ?? env.WANGATE_PROFILE ?? 'default';
}

/** The API key and base URL: flags, then WANGATE_API_KEY / WANGATE_BASE_URL, then the profile. */
export async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv, out: Output): Promise<Wangate> {
  const name = profileName(flags, env);
  const profile = (await readConfig(env)).profiles[name];
  if (flags.profile !== undefined && !profile) throw new UsageError(`no profile '${flags.profile}' in ${configPath(env)} (create it with: wangate login --profile ${flags.profile})`);
  if (flags['api-key'] !== undefined) warnVisibleKey(out);
  const apiKey = flags['api-key'] ?? env.WANGATE_API_KEY ?? profile?.api_key;
  const baseURL = flags['base-url'] ?? env.WANGATE_BASE_URL ?? profile?.base_url ?? defaultBaseUrl;
  if (!apiKey) throw new NoKeyError();
  return new Wangate({ apiKey, baseURL });
}

export function warnVisibleKey(out: Output): void {
  out.warn('warning: --api-key is visible to other users of this machine (process list, shell history); prefer WANGATE_API_KEY or `wangate login`');
}
