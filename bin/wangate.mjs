#!/usr/bin/env node
// The wangate command: runs the TypeScript sources directly (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main(process.argv.slice(2));
