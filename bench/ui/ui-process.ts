/**
 * The `fleet ui` processes under test: started as a user starts one, its link
 * read from what it prints, stopped; and what /proc says of their memory and CPU.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fleetBin, nodeBin, type BenchEnv } from "../lib.ts";
import { sleep } from "./clock.ts";
import { MEMORY_SAMPLES } from "./settings.ts";
import { type Stats, stats } from "./stats.ts";

export interface Ui {
  url: string;
  base: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `fleet ui --port 0 [args]`, its one line of output read for the link. */
export async function startUi(bench: BenchEnv, args: string[] = []): Promise<Ui> {
  const child = spawn(nodeBin, [fleetBin, "ui", "--port", "0", ...args], {
    cwd: bench.dir,
    env: bench.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = "";
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`fleet ui exited (${code}): ${stderr}`)));
  });
  const url = /(http:\/\/\S+\?token=\S+)/.exec(line)?.[1];
  if (url === undefined) throw new Error(`fleet ui printed no link: ${line}`);
  const parsed = new URL(url);
  return {
    url,
    base: parsed.origin,
    token: parsed.searchParams.get("token") ?? "",
    child,
    stop: () => stopChild(child),
  };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

interface Memory {
  rss: number;
  hwm: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** The median VmRSS of MEMORY_SAMPLES samples a second apart (MiB). */
export async function rssOver(pid: number): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < MEMORY_SAMPLES; i++) {
    samples.push(memory(pid).rss);
    await sleep(1000);
  }
  return stats(samples);
}

const ticksPerSecond = 100;

/** CPU ms the process used, and its reaped children (sh and tmux, from discovery). */
export function cpuMs(pid: number): { own: number; children: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const tick = (i: number) => (Number(fields[i]) * 1000) / ticksPerSecond;
  return { own: tick(11) + tick(12), children: tick(13) + tick(14) };
}
