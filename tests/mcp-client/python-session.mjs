// Drives an interactive python3 session through CortexHub's MCP session tools with the official
// TypeScript SDK: open it, type 1+1, read the screen once it shows the answer, close it. Prints the
// answers as one JSON line. Usage: node python-session.mjs <mcp url> <api key> <node id>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, apiKey, nodeId] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
});
const client = new Client({ name: "cortexhub-typescript-session-test", version: "1.0.0" });
await client.connect(transport);
const text = (result) => result.content.filter((c) => c.type === "text").map((c) => c.text).join("");
const call = async (name, args) => {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${text(result)}`);
  return text(result);
};
try {
  const opened = await call("open_session", { nodeId, command: "python3 -q", columns: 60, rows: 12 });
  const sessionId = /^Opened session (\S+) /.exec(opened)[1];
  await call("read_screen", { sessionId, waitFor: ">>>", waitSeconds: 90 });
  await call("send_input", { sessionId, text: "1+1", enter: true });
  const screen = await call("read_screen", { sessionId, waitFor: ">>> 1+1\n2\n>>>", waitSeconds: 90 });
  const closed = await call("close_session", { sessionId });
  console.log(JSON.stringify({ sessionId, screen, closed }));
} finally {
  await client.close();
}
