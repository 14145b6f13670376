/**
 * An agent's bus endpoint, as its CLI runs it: an MCP server on stdio that is in
 * truth a relay to the bus daemon's unix socket, after one line, the agent's
 * token (read from its 0600 file, never from a command line where `ps` would
 * show it). The socket speaks MCP's stdio framing, so the relay is a byte pipe:
 * node, python3 or socat, whichever the host has. While the daemon comes up (it
 * is started as the agent launches), the relay retries for ten seconds.
 */

/** The file names in the agent's dir. */
export const ENDPOINT_FILE = "bus-endpoint";
export const TOKEN_FILE = "bus-token";
/** The name every agent CLI knows the bus's server by (its tools: mcp__fleet-bus__*). */
export const BUS_SERVER_NAME = "fleet-bus";

const NODE_RELAY = String.raw`const net=require("net"),fs=require("fs");const [sock,tf]=process.argv.slice(1);const token=fs.readFileSync(tf,"utf8").trim();let tries=0;(function go(){const s=net.connect(sock);s.once("connect",()=>{s.write(token+"\n");process.stdin.pipe(s);s.pipe(process.stdout);s.on("close",()=>process.exit(0));});s.once("error",(e)=>{if(tries++<100&&s.bytesWritten===0){setTimeout(go,100);}else{process.stderr.write("fleet bus: "+e.message+"\n");process.exit(1);}});})();`;

const PYTHON_RELAY = [
  "import os,socket,sys,threading,time",
  "sock,tf=sys.argv[1:3]",
  "token=open(tf).read().strip()",
  "s=socket.socket(socket.AF_UNIX)",
  "for i in range(100):",
  "  try:",
  "    s.connect(sock); break",
  "  except OSError:",
  "    s.close(); s=socket.socket(socket.AF_UNIX); time.sleep(0.1)",
  "else:",
  "  sys.stderr.write('fleet bus: cannot reach '+sock+'\\n'); sys.exit(1)",
  "s.sendall((token+'\\n').encode())",
  "def up():",
  "  while True:",
  "    d=os.read(0,65536)",
  "    if not d:",
  "      s.shutdown(socket.SHUT_WR); return",
  "    s.sendall(d)",
  "threading.Thread(target=up,daemon=True).start()",
  "while True:",
  "  d=s.recv(65536)",
  "  if not d: break",
  "  os.write(1,d)",
].join("\n");

const shellSingle = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The endpoint script: `sh bus-endpoint SOCKET TOKEN_FILE`. */
export function endpointScript(): string {
  return [
    "#!/bin/sh",
    "# Written by fleet: this agent's bus endpoint (MCP on stdio, relayed to the bus's socket).",
    "sock=${1:?socket}; token_file=${2:?token file}",
    "if command -v node >/dev/null 2>&1; then",
    `  exec node -e ${shellSingle(NODE_RELAY)} "$sock" "$token_file"`,
    "elif command -v python3 >/dev/null 2>&1; then",
    `  exec python3 -c ${shellSingle(PYTHON_RELAY)} "$sock" "$token_file"`,
    "elif command -v socat >/dev/null 2>&1; then",
    '  i=0; while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
    '  { cat "$token_file"; exec cat; } | exec socat - UNIX-CONNECT:"$sock"',
    "fi",
    "echo 'fleet bus: this host has none of node, python3 or socat to reach the bus with' >&2",
    "exit 127",
    "",
  ].join("\n");
}
