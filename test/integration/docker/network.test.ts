/**
 * Network policies on a real engine, shown between test containers on an
 * `--internal` network (nothing else is ever contacted): two peers listen, one
 * inside an allowlisted CIDR and one outside; fleet hosts with each policy try
 * to reach them.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe } from "node:test";
import { promisify } from "node:util";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  internalNetwork,
  planned,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkip("docker network policy");
const test = testWith(skip);

const PORT = 8080;
const LISTENER = (address: string, port: number): string =>
  `$s = IO::Socket::INET->new(LocalAddr => "${address}", LocalPort => ${port}, Listen => 16, ReuseAddr => 1) or die "listen: $!"; while (my $c = $s->accept) { print $c "peer\\n"; close $c }`;

describe("docker network policies", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;
  let net: { name: string; base: string };
  const peerIn = () => `${net.base}.10`;
  const peerOut = () => `${net.base}.20`;

  const fleetYaml = (allowed: string[]) => `version: 1
name: docknet
hosts:
  noff: { provider: docker, image: ${baseImage}, network: { egress: offline } }
  nopen: { provider: docker, image: ${baseImage} }
  nallow: { provider: docker, image: ${baseImage}, network: { egress: allowlist, cidrs: [${allowed.join(", ")}] } }
agents:
  off: { command: "sleep 3600", host: noff }
  open: { command: "sleep 3600", host: nopen }
  allow: { command: "sleep 3600", host: nallow }
`;

  /** Whether the agent's container can open a TCP connection to ip:port (and read the greeting). */
  const reaches = async (agent: string, ip: string, port = PORT): Promise<boolean> => {
    const result = await f.sb.fleet([
      "exec",
      agent,
      "--",
      "timeout",
      "5",
      "bash",
      "-c",
      `exec 3<>/dev/tcp/${ip}/${port} && head -n 1 <&3`,
    ]);
    return result.code === 0 && result.stdout.trim() === "peer";
  };

  const startPeer = async (suffix: string, ip: string): Promise<void> => {
    const id = await f.client.createContainer(`${f.sb.prefix}${suffix}`, {
      Image: baseImage,
      Entrypoint: ["perl", "-MIO::Socket::INET", "-e", LISTENER("0.0.0.0", PORT)],
      Cmd: [],
      Labels: { "dev.fleet.test": f.sb.prefix },
      HostConfig: { NetworkMode: net.name, Init: true },
      NetworkingConfig: { EndpointsConfig: { [net.name]: { IPAMConfig: { IPv4Address: ip } } } },
    });
    await f.client.startContainer(id);
  };

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-network");
    net = await internalNetwork(f, "net");
    await startPeer("peer-in", peerIn());
    await startPeer("peer-out", peerOut());
    file = await f.file(fleetYaml([`${peerIn()}/32`]));
    await f.fleet(["apply", "-f", file, "-y"]);
    // fleet has no field for joining a docker network: the test joins them by hand.
    await f.client.connectNetwork(net.name, f.container("nopen"));
    await f.client.connectNetwork(net.name, f.container("nallow"));
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("an open host on the internal network reaches both peers", async () => {
    assert.equal(await reaches("open", peerIn()), true);
    assert.equal(await reaches("open", peerOut()), true);
  });

  test("offline: only loopback, and the engine refuses to attach a network", async () => {
    const links = await f.fleet(["exec", "off", "--", "ip", "-o", "link"]);
    assert.deepEqual(
      links.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(":")[1]?.trim()),
      ["lo"],
    );
    const loopback = await f.fleet([
      "exec",
      "off",
      "--",
      "bash",
      "-c",
      `perl -MIO::Socket::INET -e '${LISTENER("127.0.0.1", 8081)}' >/dev/null 2>&1 & sleep 0.5; exec 3<>/dev/tcp/127.0.0.1/8081 && head -n 1 <&3; kill $!`,
    ]);
    assert.equal(loopback.stdout.trim(), "peer");
    assert.equal(await reaches("off", peerIn()), false);
    await assert.rejects(f.client.connectNetwork(net.name, f.container("noff")));
  });

  test("allowlist: the peer inside the CIDR is reachable, the one outside is not", async () => {
    assert.equal(await reaches("allow", peerIn()), true);
    assert.equal(await reaches("allow", peerOut()), false);
  });

  test("allowlist: root inside the container cannot change the rules", async () => {
    // No iptables in the image, and no capability that would let any copy of it work.
    const tries = await f.sb.fleet([
      "exec",
      "allow",
      "--",
      "sh",
      "-c",
      "id -u; grep CapEff /proc/self/status; iptables -F; echo iptables=$?; ip route flush table main; echo route=$?; ip link set eth0 down; echo link=$?",
    ]);
    assert.match(tries.stdout, /^0\n/);
    assert.match(tries.stdout, /CapEff:\s+0+\n/);
    assert.match(tries.stdout, /iptables=127/);
    assert.doesNotMatch(tries.stdout, /route=0|link=0/);
    assert.match(tries.stderr, /Operation not permitted/);
    // Still enforced, and still there when read from outside the container.
    assert.equal(await reaches("allow", peerOut()), false);
    assert.equal(await reaches("allow", peerIn()), true);
    const pid = (await f.client.inspectContainer(f.container("nallow"))).State.Pid;
    const { stdout } = await execFileAsync("nsenter", ["-t", String(pid), "-n", "iptables", "-S"]);
    assert.match(stdout, /-P OUTPUT DROP/);
    assert.match(
      stdout,
      new RegExp(`-A FLEET-EGRESS -d ${peerIn().replaceAll(".", "\\.")}/32 -j ACCEPT`),
    );
  });

  test("a changed allowlist is planned as an update and applied in place", async () => {
    const before = await f.client.inspectContainer(f.container("nallow"));
    const changed = await f.file(
      fleetYaml([`${peerIn()}/32`, `${peerOut()}/32`]),
      "fleet-wider.yaml",
    );
    const plan = await planned(f, changed);
    assert.equal(plan.get("hosts.nallow"), "update");
    assert.equal(plan.get("agents.allow"), "noop");
    await f.fleet(["apply", "-f", changed, "-y"]);
    assert.equal(await reaches("allow", peerOut()), true);
    const after = await f.client.inspectContainer(f.container("nallow"));
    assert.equal(after.Id, before.Id);
    assert.equal((await planned(f, changed)).get("hosts.nallow"), "noop");
    file = changed;
  });

  test("an offline host given a network keeps its files (re-created from itself)", async () => {
    await f.fleet(["exec", "off", "--", "sh", "-c", "echo kept > note.txt"]);
    const opened = await f.file(
      fleetYaml([`${peerIn()}/32`]).replace(
        "network: { egress: offline }",
        "network: { egress: open }",
      ),
      "fleet-opened.yaml",
    );
    const plan = await planned(f, opened);
    assert.equal(plan.get("hosts.noff"), "update");
    await f.fleet(["apply", "-f", opened, "-y"]);
    const info = await f.client.inspectContainer(f.container("noff"));
    f.images.push(info.Image);
    assert.notEqual(info.HostConfig.NetworkMode, "none");
    const note = await f.fleet(["exec", "off", "--", "cat", "note.txt"]);
    assert.equal(note.stdout, "kept\n");
    const links = await f.fleet(["exec", "off", "--", "ip", "-o", "link"]);
    assert.match(links.stdout, /eth0/);
    assert.equal((await planned(f, opened)).get("hosts.noff"), "noop");
  });
});
