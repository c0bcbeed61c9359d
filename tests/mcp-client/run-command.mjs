// Runs one command through CortexHub's MCP server with the official TypeScript SDK and prints
// what the server answered as one JSON line: the tools it lists and run_command's result.
// Usage: node run-command.mjs <mcp url> <api key> <node id> <command>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, apiKey, nodeId, command] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
});
const client = new Client({ name: "cortexhub-typescript-test", version: "1.0.0" });
await client.connect(transport);
try {
  const { tools } = await client.listTools();
  const result = await client.callTool({ name: "run_command", arguments: { nodeId, command, waitSeconds: 120 } });
  console.log(JSON.stringify({
    tools: tools.map((t) => t.name),
    isError: result.isError ?? false,
    text: result.content.filter((c) => c.type === "text").map((c) => c.text).join(""),
  }));
} finally {
  await client.close();
}
