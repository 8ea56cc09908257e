#!/usr/bin/env node
// The wangate command. Server commands run the TypeScript sources directly through tsx (no build step
// to forget); client commands and --help run the CLI that `npm install` builds to plain JavaScript
// (packages/cli/dist), so they start without loading a TypeScript compiler.
import { existsSync } from 'node:fs';

const argv = process.argv.slice(2);
const [command] = argv;
const serverCommands = ['serve', 'work', 'dev', 'mcp'];

if (command === undefined || serverCommands.includes(command)) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  await main(argv);
} else {
  const built = new URL('../packages/cli/dist/main.js', import.meta.url);
  if (!existsSync(built)) {
    process.stderr.write('wangate: the client commands are not built yet: run `npm run build` (npm install does it)\n');
    process.exit(2);
  }
  const { runCli } = await import(built.href);
  process.exit(await runCli(argv));
}
