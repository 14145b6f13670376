/**
 * `fleet adopt`: the user looked at what a TAMPERED record asks for and takes it
 * on as their own. The record is checked for shape (names, env and secret names,
 * branch, paths), bound to the agent and host it sits on, and sealed again with
 * this controller's key. Nothing else of the agent is touched.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { ENV_NAME_PATTERN } from "../names.ts";
import { canonicalJson, specHash } from "../spec-hash.ts";
import { isBranchName, isName, isPort } from "../trust/host-values.ts";
import { agentPaths, type AgentRecord } from "./agent-record.ts";
import { runScript, type HostHandle } from "./handle.ts";
import { readAgent, recordProblem } from "./read-agent.ts";
import { appendEventLines, writeRecordLines } from "./record-io.ts";

/** What the agent's record asks for, bound to where it is, or why it cannot be adopted. */
export async function adoptionOf(h: HostHandle, name: string): Promise<AgentRecord | undefined> {
  const found = await readAgent(h, name);
  if (found.record) return undefined; // Trusted already: nothing to adopt.
  if (!found.problem) {
    throw new FleetError("AGENT_NOT_FOUND", `no agent "${name}" on host ${h.host.name}`, {
      hint: "run `fleet list` to see the agents and their hosts",
    });
  }
  if (!found.untrusted) throw recordProblem(found.problem);
  return adoptable(found.untrusted, name, h);
}

/**
 * Seals `expected` (what the user was shown) as the agent's record, provided the
 * host still holds that same record: a record changed after it was shown is not
 * adopted.
 */
export async function adoptAgent(
  h: HostHandle,
  name: string,
  expected: AgentRecord,
): Promise<void> {
  const now = await adoptionOf(h, name);
  if (now === undefined || canonicalJson(now) !== canonicalJson(expected)) {
    throw new FleetError(
      "ADOPT_CHANGED",
      `the record of agent ${name} changed on host ${h.host.name} while you were looking at it`,
      { hint: `run \`fleet adopt ${name}@${h.host.name}\` again and check what it asks for` },
    );
  }
  const { transport } = await readAgent(h, name);
  const paths = agentPaths(transport.fleetDir, name);
  await runScript(
    transport,
    `adopting agent ${name}`,
    [
      `[ -d ${q(paths.dir)} ] || exit 1`,
      ...writeRecordLines(paths, expected, h.ctx.env.home),
      ...appendEventLines(paths, "updated", { fields: ["adopted"] }),
    ].join("\n"),
  );
}

function adoptable(record: AgentRecord, name: string, h: HostHandle): AgentRecord {
  const spec = { ...record.spec, name, host: h.host.name };
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  check(typeof spec.agent === "string" && isName(spec.agent), "its agent type is not a name");
  check(spec.command === undefined || typeof spec.command === "string", "its command is not text");
  check(
    spec.args.every((arg) => typeof arg === "string"),
    "its args are not all text",
  );
  check(
    Object.entries(spec.env).every(([k, v]) => ENV_NAME_PATTERN.test(k) && typeof v === "string"),
    "its env has invalid names or values",
  );
  check(
    spec.secrets.every((s) => typeof s === "string" && ENV_NAME_PATTERN.test(s)),
    "its secret names are not variable names",
  );
  check(
    spec.services.every((s) => isName(s.name) && typeof s.command === "string"),
    "its services have invalid names or commands",
  );
  if (spec.workdir !== undefined) {
    check(
      typeof spec.workdir.from === "string" && spec.workdir.from.startsWith("/"),
      "its workdir source is not an absolute path",
    );
    check(isBranchName(spec.workdir.branch), "its branch is not a valid branch name");
  }
  check(
    typeof record.workdir === "string" && record.workdir.startsWith("/"),
    "its work dir is not an absolute path",
  );
  check(record.fleet === null || isName(record.fleet), "its owner fleet is not a name");
  if (problems.length > 0) {
    throw new FleetError(
      "ADOPT_INVALID",
      `agent ${name}'s record on host ${h.host.name} cannot be adopted: ${problems.join("; ")}`,
      { hint: `remove it with \`fleet destroy ${name}@${h.host.name}\`` },
    );
  }
  const ports = Object.fromEntries(
    Object.entries(record.ports).filter(
      ([service, port]) => spec.services.some((s) => s.name === service) && isPort(port),
    ),
  );
  const { mac: _mac, ...rest } = record;
  return {
    ...rest,
    version: 1,
    name,
    host: h.host.name,
    provider: h.provider.name,
    spec,
    specHash: specHash(spec),
    ports,
  };
}
