import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shouldUseColor, stripAnsi } from "../../../src/cli/render/color.ts";
import { renderPlanText } from "../../../src/cli/render/plan-text.ts";
import {
  agent,
  desired,
  host,
  hostError,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
  plan,
} from "./fixtures.ts";

const ESC = "\u001b";
const lastLine = (text: string): string => text.split("\n").at(-1) ?? "";

describe("renderPlanText", () => {
  test("ends with Terraform's summary line, exactly", () => {
    const p = plan(
      desired([agent("new"), agent("lab", { labels: { a: "b" } }), agent("web", { args: ["b"] })]),
      live([
        liveAgent(agent("lab")),
        liveAgent(agent("web", { args: ["a"] })),
        liveAgent(agent("old")),
      ]),
    );
    assert.equal(
      lastLine(renderPlanText(p, { color: false })),
      "Plan: 2 to add, 1 to change, 2 to destroy.",
    );
  });

  test("adds start and stop counts only when there are some", () => {
    const spec = host("sandbox");
    const p = plan(
      desired([], [spec]),
      live([], [LOCAL_LIVE, liveHost(spec, { state: "stopped" })]),
    );
    assert.equal(
      lastLine(renderPlanText(p, { color: false })),
      "Plan: 0 to add, 0 to change, 0 to destroy, 1 to start.",
    );
  });

  test("says there is nothing to do when the fleet matches", () => {
    const p = plan(desired([agent("web")]), live([liveAgent(agent("web"))]));
    assert.equal(
      lastLine(renderPlanText(p, { color: false })),
      "No changes. Your fleet matches the configuration.",
    );
  });

  test("does not claim the fleet matches when a host could not be read", () => {
    const d = desired([agent("a", { host: "box" })], [host("box", "ssh")]);
    const text = renderPlanText(plan(d, live([], [LOCAL_LIVE], [hostError("box")])), {
      color: false,
    });
    assert.match(text, /could not read host box \(ssh\): connection refused/);
    assert.match(text, /not planned: agents\.a/);
    assert.equal(lastLine(text), "Plan: 0 to add, 0 to change, 0 to destroy.");
  });

  test("shows conflicts", () => {
    const p = plan(desired([agent("web")]), live([liveAgent(agent("web"), { fleet: null })]));
    const text = renderPlanText(p, { color: false });
    assert.match(text, /Conflicts/);
    assert.match(text, /agents\.web: host local already has an agent named "web"/);
  });

  test("uses Terraform's headers, symbols and field diffs", () => {
    const p = plan(
      desired([agent("new"), agent("web", { args: ["b"] })]),
      live([liveAgent(agent("web", { args: ["a"] })), liveAgent(agent("old"))]),
    );
    const text = renderPlanText(p, { color: false });
    assert.match(
      text,
      /^Actions are shown with these symbols:\n {2}\+ create\n-\/\+ destroy and then create replacement\n {2}- destroy$/m,
    );
    assert.match(text, /Fleet will perform the following actions:/);
    assert.match(text, /^ {2}# agents\.new will be created\n/m);
    assert.match(text, /^ {2}\+ agent "new" on local \(command\)$/m);
    assert.match(text, /^ {2}# agents\.web must be replaced$/m);
    assert.match(text, /^-\/\+ agent "web" on local \(command\)$/m);
    assert.match(text, /~ args: \["a"\] -> \["b"\] # forces replacement$/m);
    assert.match(text, /^ {2}# agents\.old will be destroyed$/m);
    // The legend lists only the symbols used.
    assert.doesNotMatch(text, /update in-place/);
  });

  test("notes an unchanged stopped agent", () => {
    const p = plan(
      desired([agent("idle")]),
      live([liveAgent(agent("idle"), { state: "STOPPED" })]),
    );
    assert.match(
      renderPlanText(p, { color: false }),
      /agents\.idle: stopped; `fleet start idle` resumes it/,
    );
  });

  test("escapes control characters that came from the fleet file", () => {
    const p = plan(desired([agent("web", { message: "hi \u001b[2J there" })]), live());
    const text = renderPlanText(p, { color: false });
    assert.ok(!text.includes(ESC));
    assert.match(text, /hi \\u001b\[2J there/);
  });

  test("colours only when asked, and the words stay the same", () => {
    const p = plan(desired([agent("new")]), live([liveAgent(agent("old"))]));
    const plain = renderPlanText(p, { color: false });
    const colored = renderPlanText(p, { color: true });
    assert.ok(!plain.includes(ESC));
    assert.ok(colored.includes(`${ESC}[32m`));
    assert.equal(stripAnsi(colored), plain);
  });
});

describe("shouldUseColor", () => {
  test("honours NO_COLOR even on a terminal", () => {
    assert.equal(shouldUseColor({ isTTY: true }, { NO_COLOR: "1" }), false);
  });
  test("colours a terminal and not a pipe", () => {
    assert.equal(shouldUseColor({ isTTY: true }, {}), true);
    assert.equal(shouldUseColor({ isTTY: false }, {}), false);
  });
  test("FORCE_COLOR colours a pipe", () => {
    assert.equal(shouldUseColor({ isTTY: false }, { FORCE_COLOR: "1" }), true);
  });
});
