/** `fleet create` of one local agent vs node start-up + `tmux new-session`. */
import { benchEnv, fleetBin, nodeBin, time, writeResult } from "./lib.ts";

const bench = benchEnv("create");
try {
  const floorScript =
    "require('node:child_process').execFileSync('tmux', ['new-session', '-d', '-s', 'floor' + process.argv[1], 'sleep 3600'])";
  const floor = time(nodeBin, (i) => ["-e", floorScript, String(i + 100)], bench.env);
  const measured = time(
    nodeBin,
    (i) => [fleetBin, "create", `c${i + 100}`, "--command", "sleep 3600", "--no-connect"],
    bench.env,
  );
  writeResult({
    name: "fleet create, one local agent",
    measured,
    floor,
    floorDescription: "node -e (execFileSync tmux new-session -d)",
    budget: "≤ 2× floor",
    pass: measured.medianMs / floor.medianMs <= 2,
  });
} finally {
  bench.cleanup();
}
