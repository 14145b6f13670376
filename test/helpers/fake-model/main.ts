/**
 * Runs the fake model server as its own process, so a test can start it inside a
 * network namespace (`nsenter -t PID -n node main.ts --log FILE`). Prints
 * `listening PORT` once it accepts connections; stops on SIGTERM or stdin EOF.
 */
import { startFakeModel } from "./server.ts";

const logIndex = process.argv.indexOf("--log");
const logFile = logIndex >= 0 ? process.argv[logIndex + 1] : undefined;
const slowIndex = process.argv.indexOf("--slow-ms");
const slowMs = slowIndex >= 0 ? Number(process.argv[slowIndex + 1]) : undefined;

const model = await startFakeModel({
  ...(logFile === undefined ? {} : { logFile }),
  ...(slowMs === undefined ? {} : { slowMs }),
});
process.stdout.write(`listening ${model.port}\n`);
const stop = () => void model.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
