/** The terminal bridge on a docker host: the control client runs through `docker exec -i`. */
import { baseImage, dockerFixture, dockerSkip } from "../docker/docker-fixture.ts";
import { remoteBridgeCases } from "./terminal-bridge-cases.ts";

remoteBridgeCases({
  title: "terminal bridge on a docker host",
  skip: await dockerSkip("terminal bridge on docker"),
  async host() {
    const f = await dockerFixture("ui-terminal-docker");
    return {
      sb: f.sb,
      hostEntry: `{ provider: docker, image: ${baseImage} }`,
      file: (yaml) => f.file(yaml),
      // In the container, on the tmux server its agents run on.
      tmux: async (args) => (await f.sb.fleet(["exec", "shell", "--", "tmux", ...args])).stdout,
      cleanup: () => f.cleanup(),
    };
  },
});
