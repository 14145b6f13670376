/** The dashboard benchmark's sizes: how many agents, loads, samples and changes. */
import { join } from "node:path";
import { repoRoot } from "../lib.ts";

export const AGENTS = 50;
export const LOADS = 20;
export const LOAD_WARMUP = 3;
export const COLD_STARTS = 5;
export const MEMORY_SAMPLES = 5;
export const PAGES = 5;
export const ROUNDS = 20;
/** Latency samples of each kind with --refresh 1s, and with 3s. */
export const CHANGES = 12;
export const SLOW_CHANGES = 8;
export const VIEWPORT = { width: 1280, height: 900 };
export const distUi = join(repoRoot, "dist", "ui");
