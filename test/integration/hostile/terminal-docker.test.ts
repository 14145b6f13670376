/** Terminal hygiene on a docker host, where the agent is root and tmux and stty are the container's. */
import { baseImage, dockerFixture, dockerSkip } from "../docker/docker-fixture.ts";
import { remoteTerminalCases } from "./terminal-cases.ts";

remoteTerminalCases({
  title: "terminal hygiene on a docker host",
  where: "in the container",
  skip: await dockerSkip("hostile terminal on docker"),
  async host() {
    const f = await dockerFixture("hostile-terminal");
    return {
      sb: f.sb,
      hostEntry: `{ provider: docker, image: ${baseImage} }`,
      file: (yaml, name) => f.file(yaml, name),
      cleanup: () => f.cleanup(),
    };
  },
});
