import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createRequire } from 'node:module';
import { GatewayClient } from './gateway-client.js';
import { mcpTools, runTool } from './mcp-tools.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The MCP server of `wangate mcp`: the tools of mcp-tools.ts, bound to one gateway and key. */
export function buildMcpServer(config: { baseUrl: string; apiKey: string }): McpServer {
  const server = new McpServer(
    { name: 'wangate', version },
    {
      instructions:
        'Generates videos with the Wan2.7 models through a wangate gateway. Typical flow: list_models, get_model_schema, ' +
        'upload_image for local images, generate_video (keep its idempotency_key), get_task with wait_seconds until completed, download_video.',
    },
  );
  for (const tool of mcpTools(new GatewayClient(config.baseUrl, config.apiKey))) {
    const { name, title, description, inputSchema, annotations } = tool;
    server.registerTool(name, { title, description, inputSchema, annotations }, (args) => runTool(tool, args as Record<string, unknown>));
  }
  return server;
}

/**
 * Serves MCP over stdin/stdout until stdin closes. stdout carries only the protocol: anything else
 * this process says goes to stderr.
 */
export async function runMcpServer(config: { baseUrl: string; apiKey: string }): Promise<void> {
  const server = buildMcpServer(config);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  process.stderr.write(`wangate mcp: serving over stdio for ${config.baseUrl}\n`);
  await closed;
  await server.close();
}
