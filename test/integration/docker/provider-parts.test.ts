/**
 * The docker provider's parts that need no engine: host validation, the
 * container it asks for, the network rules it would install, the keep-alive's
 * probe protocol (run by this machine's sh), and the tar reader. Always runs.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { containerBody, hostnameOf } from "../../../providers/docker/container-spec.ts";
import {
  elfKind,
  GATE_PATH,
  GATE_SCRIPT,
  heldNonce,
  RELEASE_SCRIPT,
} from "../../../providers/docker/gate.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import { KEEP_ALIVE_SCRIPT } from "../../../providers/docker/host-channel.ts";
import { validateDockerHost } from "../../../providers/docker/host-config.ts";
import { imageNamePart, owningFleet, snapshotReference } from "../../../providers/docker/names.ts";
import { rulesScript } from "../../../providers/docker/network-policy.ts";
import { lockDockerHost } from "../../../providers/docker/lock.ts";
import { readTar } from "../../../providers/docker/tar.ts";
import dockerProvider from "../../../providers/docker/index.ts";
import { RecordingIoHost, silentIoHost } from "../../../src/core/io.ts";
import type { HostSpec } from "../../../src/core/model.ts";

const host = (extra: Partial<HostSpec> = {}): HostSpec => ({
  name: "box",
  provider: "docker",
  config: { image: "fleet/base:bookworm" },
  ...extra,
});

describe("docker host validation", () => {
  test("an image, a build or a snapshot is required", () => {
    const problems = validateDockerHost(host({ config: {} }));
    assert.deepEqual(
      problems.map((p) => p.path),
      ["image"],
    );
  });

  test("fields of other providers are named as not docker's", () => {
    const problems = validateDockerHost(host({ config: { image: "x", address: "me@there" } }));
    assert.match(problems[0]?.message ?? "", /"address" is not a docker host field/);
  });

  test("an allowlist needs valid CIDRs, at least one", () => {
    const empty = validateDockerHost(host({ network: { egress: "allowlist", cidrs: [] } }));
    assert.equal(empty[0]?.path, "network.cidrs");
    const bad = validateDockerHost(
      host({ network: { egress: "allowlist", cidrs: ["10.0.0.0/8", "10.0.0.0/33", "fe80::/10"] } }),
    );
    assert.deepEqual(
      bad.map((p) => p.path),
      ["network.cidrs.1"],
    );
  });

  test("image and build together are refused", () => {
    const problems = validateDockerHost(
      host({ config: { image: "x", build: { context: "/c", dockerfile: "/c/Dockerfile" } } }),
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      ["build"],
    );
  });
});

describe("the container fleet asks for", () => {
  test("least privilege: no capabilities, no new privileges, init, limits, nothing published", () => {
    const body = containerBody(
      host({ resources: { cpus: 0.5, memory: 64 * 1024 * 1024, pids: 100 } }),
      { image: "sha256:abc", fleet: "team" },
    );
    const hc = body.HostConfig ?? {};
    assert.equal(hc.Init, true);
    assert.equal(hc.Privileged, false);
    assert.deepEqual(hc.CapDrop, ["ALL"]);
    assert.deepEqual(hc.CapAdd, []);
    assert.deepEqual(hc.SecurityOpt, ["no-new-privileges:true"]);
    assert.equal(hc.NanoCpus, 500_000_000);
    assert.equal(hc.Memory, 64 * 1024 * 1024);
    assert.equal(hc.MemorySwap, 64 * 1024 * 1024);
    assert.equal(hc.PidsLimit, 100);
    assert.deepEqual(hc.PortBindings, {});
    assert.equal(body.OpenStdin, true);
    assert.equal(body.StdinOnce, false);
    assert.equal(body.Labels?.["dev.fleet.fleet"], "team");
    assert.equal(body.Labels?.["dev.fleet.host"], "box");
  });

  test("offline hosts get no network at all", () => {
    const body = containerBody(host({ network: { egress: "offline" } }), {
      image: "i",
      fleet: null,
    });
    assert.equal(body.HostConfig?.NetworkMode, "none");
    assert.equal(body.Labels?.["dev.fleet.fleet"], "");
  });

  test("names: hostnames and image name parts are what Docker accepts", () => {
    assert.equal(hostnameOf("My_Box"), "my-box");
    assert.equal(imageNamePart("Fleet--X_"), "fleet-x");
    const ref = snapshotReference("Box", new Date("2025-01-02T03:04:05.678Z"));
    assert.deepEqual(ref, { repo: "fleet-snapshot/box", tag: "20250102T030405Z" });
  });

  test("the owning fleet comes from the context of host changes", () => {
    const ctx = { env: { home: "/h", prefix: "p-" }, io: silentIoHost };
    assert.equal(owningFleet(ctx), null);
    assert.equal(owningFleet({ ...ctx, fleet: "team" }), "team");
  });

  test("the provider declares what it can do", () => {
    assert.equal(dockerProvider.name, "docker");
    assert.deepEqual(dockerProvider.capabilities, {
      manageHost: true,
      stopHost: true,
      snapshot: true,
      networkPolicy: true,
    });
  });
});

describe("the network gate", () => {
  const busybox = ["/bin/busybox", "/usr/bin/busybox"].find((p) => elfKind(p) === "static");
  const noBusybox = busybox === undefined ? "no static busybox here (busybox-static)" : false;

  test("an allowlist host starts with the gate, mounted read-only, and no healthcheck", () => {
    const body = containerBody(host({ network: { egress: "allowlist", cidrs: ["10.9.0.0/16"] } }), {
      image: "sha256:x",
      fleet: null,
    });
    if (noBusybox !== false) {
      console.log(`# gate body test: ${noBusybox}`);
      return;
    }
    assert.equal(body.Entrypoint?.[0], GATE_PATH);
    assert.deepEqual(body.HostConfig?.Binds, [`${busybox}:${GATE_PATH}:ro`]);
    assert.equal(body.Labels?.["dev.fleet.gate"], "1");
    assert.deepEqual(body.Healthcheck, { Test: ["NONE"] });
    const open = containerBody(host(), { image: "sha256:x", fleet: null });
    assert.equal(open.Entrypoint?.[0], "/bin/sh");
    assert.equal(open.HostConfig?.Binds, undefined);
    // Set even when off: a snapshot's image carries the labels of its container.
    assert.equal(open.Labels?.["dev.fleet.gate"], "");
  });

  test("static and dynamic executables are told apart by their ELF header", () => {
    assert.equal(elfKind(process.execPath), "dynamic");
    assert.equal(elfKind("/etc/hostname"), undefined);
    if (busybox !== undefined) assert.equal(elfKind(busybox), "static");
  });

  test(
    "the gate answers held (76) with its nonce; only a release that carries it execs the keep-alive",
    { skip: noBusybox },
    async () => {
      const child = spawn(
        busybox ?? "busybox",
        ["sh", "-c", GATE_SCRIPT, "fleet-gate", "echo released; exec cat"],
        { stdio: ["pipe", "pipe", "ignore"] },
      );
      let text = "";
      const next = (pattern: RegExp) =>
        waitFor(() => Promise.resolve(pattern.exec(text) ?? undefined), 5000, 10);
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const closed = new Promise((resolve) => child.on("close", resolve));
      // Left in the pipe by an agent before the stop: a release without the nonce.
      child.stdin.write(
        `fleet-run a\necho hostile\n@@fleet-end a\nfleet-run b\n${RELEASE_SCRIPT}\n@@fleet-end b\n`,
      );
      const held = await next(/@@fleet-done b \d+\n(.*)\n@@fleet-code 76\n/);
      const nonce = heldNonce(held[1] ?? "");
      assert.ok(nonce !== undefined, text);
      assert.match(text, new RegExp(`^@@fleet-done a \\d+\\n${nonce}\\n@@fleet-code 76\\n`));
      child.stdin.write(`fleet-run c\n${RELEASE_SCRIPT} ${nonce}\n@@fleet-end c\nafter\n`);
      await next(/after\n$/);
      child.stdin.end();
      await closed;
      assert.match(text, /@@fleet-done c 15\n\n@@fleet-code 0\nreleased\nafter\n$/);
      assert.equal(text.split("released").length, 2);
    },
  );
});

describe("allowlist rules", () => {
  test("drop by default both ways; accept loopback, replies in, and the CIDRs, per family", () => {
    const script = rulesScript({ egress: "allowlist", cidrs: ["10.1.0.0/16", "fd00::/8"] });
    const [v4, v6] = script.split("ip6tables-restore");
    assert.ok(v4 !== undefined && v6 !== undefined);
    for (const policy of [":INPUT DROP", ":OUTPUT DROP", ":FORWARD DROP"]) {
      assert.ok(v4.includes(policy) && v6.includes(policy), policy);
    }
    assert.match(v4, /-A FLEET-EGRESS -o lo -j ACCEPT/);
    assert.match(v4, /-A FLEET-EGRESS -d 10\.1\.0\.0\/16 -j ACCEPT/);
    assert.match(v4, /-A FLEET-INGRESS -s 10\.1\.0\.0\/16 -j ACCEPT/);
    assert.match(v4, /-A FLEET-INGRESS -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT/);
    // No way around the list out for a connection opened before it narrowed.
    assert.doesNotMatch(v4, /FLEET-EGRESS .*ESTABLISHED/);
    assert.match(v6, /-A FLEET-EGRESS -d fd00::\/8 -j ACCEPT/);
    assert.doesNotMatch(v4, /fd00/);
    assert.doesNotMatch(script, /disable_ipv6/);
  });

  test("without an IPv6 CIDR, IPv6 is switched off and its tables drop everything", () => {
    const script = rulesScript({ egress: "allowlist", cidrs: ["10.1.0.0/16"] });
    assert.match(script, /echo 1 > "\$fleet_f"/);
    const v6 = script.split("ip6tables-restore")[1] ?? "";
    assert.match(v6, /:OUTPUT DROP/);
    assert.doesNotMatch(v6, /-d \S+ -j ACCEPT/);
  });

  test("open restores ACCEPT and removes fleet's chains", () => {
    const script = rulesScript({ egress: "open" });
    assert.match(script, /:OUTPUT ACCEPT/);
    assert.doesNotMatch(script, /DROP|FLEET-EGRESS/);
    assert.match(script, /exit 0$/);
  });
});

describe("the keep-alive's probe channel", () => {
  /** Feeds `input` to the keep-alive under dash (as in the container) and collects its stdout. */
  const converse = (input: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn("sh", ["-c", KEEP_ALIVE_SCRIPT], { stdio: ["pipe", "pipe", "ignore"] });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.on("error", reject);
      child.stdin.write(input);
      setTimeout(() => {
        // End of input ends the server; the main process then only sleeps.
        child.stdin.end();
        child.kill("SIGTERM");
        resolve(out);
      }, 400);
    });

  test("answers each request with its id, the output's length, and the exit status", async () => {
    const out = await converse(
      "noise\nfleet-run r1\necho 'a  b'\nexit 3\n@@fleet-end r1\nfleet-run r2\nprintf x\n@@fleet-end r2\n",
    );
    assert.equal(
      out,
      "@@fleet-done r1 20\na  b\n\n@@fleet-code 3\n@@fleet-done r2 16\nx\n@@fleet-code 0\n",
    );
  });
});

describe("tar reader", () => {
  test("reads the files of an archive made by tar, long names included", () => {
    const long = `${"d".repeat(120)}.jsonl`;
    const archive = execFileSync("sh", [
      "-c",
      `dir=$(mktemp -d) && cd "$dir" && printf 'one\\n' > a.txt && printf 'two' > ${long} && tar --format=pax -cf - a.txt ${long}; rm -rf "$dir"`,
    ]);
    const entries = readTar(archive);
    assert.deepEqual(
      entries.map((e) => [e.name, e.data.toString()]),
      [
        ["a.txt", "one\n"],
        [long, "two"],
      ],
    );
  });
});

describe("the docker host lock", () => {
  test("is taken on this machine, with no container; a second taker waits and says so", async () => {
    const home = await mkdtemp(join(tmpdir(), "fleet-test-docker-lock-"));
    try {
      const io = new RecordingIoHost();
      const ctx = { env: { home, prefix: "lk-" }, io };
      const first = await lockDockerHost(host(), ctx);
      let secondHeld = false;
      const second = lockDockerHost(host(), ctx).then((release) => {
        secondHeld = true;
        return release;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(secondHeld, false);
      assert.deepEqual(
        io.messages.map((m) => m.code),
        ["lock.wait"],
      );
      await first();
      const release = await second;
      assert.equal(secondHeld, true);
      await release();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
