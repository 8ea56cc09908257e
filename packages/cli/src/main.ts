import { balanceUsage, loginUsage, runBalance, runLogin, runUsage, usageUsage } from './commands/account-commands.js';
import { generateUsage, runGenerate } from './commands/generate.js';
import { keysUsage, runKeys } from './commands/key-commands.js';
import {
  cancelUsage,
  downloadUsage,
  getUsage,
  runCancel,
  runDownload,
  runGet,
  runTasks,
  runWait,
  tasksUsage,
  waitUsage,
} from './commands/task-commands.js';
import { describeError, exitCodeFor, exitCodes, UsageError } from './exit-codes.js';
import type { Streams } from './output.js';

interface Command {
  summary: string;
  usage: string;
  run: (args: string[], streams: Streams) => Promise<number>;
}

/** The client commands; the server commands (serve, work, dev, mcp) are dispatched by bin/wangate.mjs. */
export const commands: Record<string, Command> = {
  generate: { summary: 'generate a video and save the MP4 (progress on stderr)', usage: generateUsage, run: runGenerate },
  wait: { summary: 'follow a task until it ends, then save its MP4', usage: waitUsage, run: runWait },
  get: { summary: 'show a task', usage: getUsage, run: runGet },
  cancel: { summary: 'cancel a task', usage: cancelUsage, run: runCancel },
  tasks: { summary: 'list your tasks, newest first', usage: tasksUsage, run: runTasks },
  download: { summary: "save a completed task's MP4 (resumes a partial file)", usage: downloadUsage, run: runDownload },
  balance: { summary: "your key's balance", usage: balanceUsage, run: runBalance },
  usage: { summary: 'your ledger and totals', usage: usageUsage, run: runUsage },
  login: { summary: 'check a key and keep it in a profile', usage: loginUsage, run: runLogin },
  keys: { summary: 'create, list, revoke and credit API keys (admin)', usage: keysUsage, run: runKeys },
};

export const helpText = `usage: wangate <command> [options]

Client commands (talk to a gateway: WANGATE_BASE_URL, default http://localhost:8080)
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`)
  .join('\n')}

Server commands
  serve                  API and workers (the default without a command)
  work                   workers only (scale rendering apart from the API)
  dev fake-dashscope     a local DashScope simulator for offline development
  mcp                    an MCP server over stdio for AI agents (WANGATE_API_KEY, WANGATE_BASE_URL)

Options of every client command
  --json                 print the API's JSON on stdout, no animation
  -q, --quiet            no progress or notes (errors still go to stderr)
  --profile NAME         use a profile written by \`wangate login --profile NAME\`
  --base-url URL         the gateway (else WANGATE_BASE_URL, else the profile)
  --api-key KEY          visible to other users of the machine: prefer WANGATE_API_KEY or \`wangate login\`

Exit codes: 0 done, 1 task failed or cancelled, 2 usage error, 3 auth, 4 timeout, 5 network, 130 interrupted.
\`wangate <command> --help\` shows a command's options.
`;

/** Runs one client command; resolves with the exit code. Errors are reported on stderr, never thrown. */
export async function runCli(argv: string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && args[0] !== undefined ? commands[args[0]] : undefined;
    streams.stdout.write(topic ? `usage: ${topic.usage}\n` : helpText);
    return exitCodes.done;
  }
  const command = commands[name];
  if (!command) {
    streams.stderr.write(`wangate: unknown command '${name}'\n\n${helpText}`);
    return exitCodes.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    streams.stdout.write(`usage: ${command.usage}\n`);
    return exitCodes.done;
  }
  try {
    return await command.run(args, streams);
  } catch (e) {
    streams.stderr.write(`wangate ${name}: ${e instanceof UsageError ? 'usage: ' : ''}${describeError(e)}\n`);
    return exitCodeFor(e);
  }
}
