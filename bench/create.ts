/** `fleet create` of one local agent vs node start-up + `tmux new-session`, in turns. */
import { benchEnv, fleetBin, nodeBin, timePaired, writeResult } from "./lib.ts";

const bench = benchEnv("create");
try {
  const floorScript =
    "require('node:child_process').execFileSync('tmux', ['new-session', '-d', '-s', 'floor' + process.argv[1], 'sleep 3600'])";
  const { measured, floor, ratio } = timePaired(
    {
      command: nodeBin,
      args: (i) => [fleetBin, "create", `c${i + 100}`, "--command", "sleep 3600", "--no-connect"],
    },
    { command: nodeBin, args: (i) => ["-e", floorScript, String(i + 100)] },
    bench.env,
  );
  writeResult({
    name: "fleet create, one local agent",
    measured,
    floor,
    ratio,
    floorDescription: "node -e (execFileSync tmux new-session -d), run in turns with it",
    budget: "≤ 2× floor",
    pass: ratio <= 2,
  });
} finally {
  bench.cleanup();
}
