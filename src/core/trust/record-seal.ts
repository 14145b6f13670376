/**
 * Tamper-evident agent records. The controller seals every record it writes
 * with an HMAC-SHA256 under its own key (record-key.ts); a record read back from
 * a host is acted on only when its MAC verifies. The MAC covers the whole record
 * (name, host, owner fleet, spec, work dir, state, times) except `ports`, which
 * the host fills in at launch (free ports are only known there): those are host
 * observations, checked to be ports of the spec's services in 1..65535. A record
 * is also bound to where it was found: its name must be its directory's.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FleetErrorJson } from "../errors.ts";
import { parseRecord, type AgentRecord } from "../host/agent-record.ts";
import { canonicalJson } from "../spec-hash.ts";
import { isName, isPort } from "./host-values.ts";
import { recordKey } from "./record-key.ts";

const PURPOSE = "fleet agent record v1";

/** The MAC of a record, for `record.mac`. */
export function recordMac(home: string, record: AgentRecord): string {
  const { mac: _mac, ports: _ports, ...signed } = record;
  return createHmac("sha256", recordKey(home))
    .update(canonicalJson({ purpose: PURPOSE, record: signed }))
    .digest("hex");
}

/** The record with its MAC set: what the controller writes to a host. */
export function sealRecord(home: string, record: AgentRecord): AgentRecord {
  const { mac: _old, ports, ...rest } = record;
  const sealed = { ...rest, mac: "", ports };
  sealed.mac = recordMac(home, sealed);
  return sealed;
}

export type RecordCheck =
  /** Sealed by this controller for this host: safe to act on. */
  | { kind: "trusted"; record: AgentRecord }
  /** Sealed by this controller for another host sharing the fleet dir: not this host's. */
  | { kind: "other-host" }
  | { kind: "tampered" | "unreadable"; name: string; error: FleetErrorJson };

export interface RecordPlace {
  /** The agent dir's name the record was read from. */
  dir: string;
  host: string;
  /** FLEET_HOME, whose key seals the records. */
  home: string;
  /** Every local host name is this one machine: a record sealed for any of them is its. */
  anyHost?: boolean;
}

/** What to make of the text of `<dir>/agent.json` read from a host. */
export function checkRecord(text: string, place: RecordPlace): RecordCheck {
  const { dir, host } = place;
  const record = parseRecord(text);
  if (!record) {
    return {
      kind: "unreadable",
      name: dir,
      error: recordError("RECORD_UNREADABLE", dir, host, "its record (agent.json) is not readable"),
    };
  }
  const mac = record.mac;
  if (typeof mac !== "string" || !/^[0-9a-f]{64}$/.test(mac)) {
    return tampered(
      dir,
      host,
      "its record has no signature (written by an older fleet, or by the host)",
    );
  }
  if (!sameMac(mac, recordMac(place.home, record))) {
    return tampered(dir, host, "its record's signature does not match: it was changed on the host");
  }
  if (record.name !== dir || record.spec.name !== dir || !isName(dir)) {
    return tampered(dir, host, `its record was made for agent ${JSON.stringify(record.name)}`);
  }
  if (record.host !== host && place.anyHost !== true) return { kind: "other-host" };
  const services = new Set(record.spec.services.map((service) => service.name));
  const ports = record.ports as unknown;
  if (
    typeof ports !== "object" ||
    ports === null ||
    Array.isArray(ports) ||
    !Object.entries(ports).every(([service, port]) => services.has(service) && isPort(port))
  ) {
    return tampered(dir, host, "its record's ports are not ports of its services");
  }
  return { kind: "trusted", record };
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

const tampered = (name: string, host: string, why: string): RecordCheck => ({
  kind: "tampered",
  name,
  error: recordError("RECORD_TAMPERED", name, host, why),
});

function recordError(code: string, name: string, host: string, why: string): FleetErrorJson {
  const where = `${name}@${host}`;
  return {
    code,
    message: `agent ${where} is ${code === "RECORD_TAMPERED" ? "TAMPERED" : "UNREADABLE"}: ${why}`,
    hint:
      code === "RECORD_TAMPERED"
        ? `fleet will not act on it: check what it asks for and re-sign it with \`fleet adopt ${where}\`, or remove it with \`fleet destroy ${where}\``
        : `fleet leaves it alone: remove it with \`fleet destroy ${where}\` (its session is ended, its work saved)`,
    fault: "system",
    details: { agent: name, host, state: code === "RECORD_TAMPERED" ? "TAMPERED" : "UNREADABLE" },
  };
}
