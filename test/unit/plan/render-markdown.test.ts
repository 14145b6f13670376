import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderPlanMarkdown } from "../../../src/cli/render/plan-markdown.ts";
import { agent, desired, host, hostError, live, liveAgent, LOCAL_LIVE, plan } from "./fixtures.ts";

const count = (text: string, needle: string): number => text.split(needle).length - 1;

function hugePlan(n: number): ReturnType<typeof plan> {
  const agents = Array.from({ length: n }, (_, i) =>
    agent(`agent-${String(i).padStart(3, "0")}`, {
      args: ["--model", "opus", "--verbose"],
      env: { NODE_ENV: "development", REGION: "eu-west-1" },
      message: `Fix the flaky tests in package ${i}. `.repeat(4),
    }),
  );
  return plan(desired(agents), live());
}

describe("renderPlanMarkdown", () => {
  test("starts with the summary line and the fleet name", () => {
    const p = plan(
      desired([agent("new"), agent("web", { args: ["b"] })]),
      live([liveAgent(agent("web"))]),
    );
    const md = renderPlanMarkdown(p);
    assert.equal(
      md.split("\n")[0],
      "**Plan:** 2 to add, 0 to change, 1 to destroy. Fleet `payments` (`fleet.yaml`).",
    );
  });

  test("lists changes in a table and details in collapsed diff blocks", () => {
    const p = plan(
      desired([agent("web", { args: ["b"] })]),
      live([liveAgent(agent("web", { args: ["a"] }))]),
    );
    const md = renderPlanMarkdown(p);
    assert.match(
      md,
      /^\| `-\/\+` \| `agents\.web` \| replace \| local \| args changed \(forces replacement\) \|$/m,
    );
    assert.match(md, /<details><summary><code>agents\.web<\/code> must be replaced<\/summary>/);
    assert.match(
      md,
      /```diff\n[^]*^- args: \["a"\]\n\+ args: \["b"\] {2}# forces replacement\n[^]*```\n\n<\/details>/m,
    );
  });

  test("says when nothing changes", () => {
    const md = renderPlanMarkdown(plan(desired([agent("web")]), live([liveAgent(agent("web"))])));
    assert.equal(
      md.split("\n")[0],
      "**Plan:** No changes. Fleet `payments` (`fleet.yaml`) matches the configuration.",
    );
  });

  test("stays under 65000 characters for 500 changes, summary first, saying what it left out", () => {
    const md = renderPlanMarkdown(hugePlan(500));
    assert.ok(md.length < 65000, `length ${md.length}`);
    assert.equal(
      md.split("\n")[0],
      "**Plan:** 500 to add, 0 to change, 0 to destroy. Fleet `payments` (`fleet.yaml`).",
    );
    const shown = count(md, "<details>");
    assert.equal(count(md, "</details>"), shown);
    const note = /Details of (\d+) changes left out\./.exec(md);
    assert.ok(note, "says how many details were left out");
    const rows = count(md, "\n| `+` |");
    const notListed = /(\d+) more changes not listed\./.exec(md);
    assert.equal(rows + Number(notListed?.[1] ?? 0), 500);
    assert.equal(shown + Number(note[1]), 500);
  });

  test("keeps to a small maxChars by dropping table rows too", () => {
    const md = renderPlanMarkdown(hugePlan(500), { maxChars: 5000 });
    assert.ok(md.length <= 5000, `length ${md.length}`);
    assert.ok(md.startsWith("**Plan:** 500 to add"));
    assert.match(md, /\d+ more changes not listed\./);
    assert.match(md, /Run `fleet plan` for the full plan\./);
  });

  test("text from the fleet file cannot break out of its code block", () => {
    const p = plan(desired([agent("web", { message: "```\n</details> <b>x</b>" })]), live());
    const md = renderPlanMarkdown(p);
    // The fence is longer than any backtick run inside, and the message stays on one line.
    assert.match(md, /^````diff$/m);
    assert.equal(md.match(/^<\/details>$/gm)?.length, 1);
    assert.equal(md.match(/^````$/gm)?.length, 1);
  });

  test("a host error message cannot inject markup", () => {
    const d = desired([agent("a", { host: "box" })], [host("box", "ssh")]);
    const p = plan(d, live([], [LOCAL_LIVE], [hostError("box", "ssh", "bad <img src=x> | reply")]));
    const md = renderPlanMarkdown(p);
    assert.match(
      md,
      /Could not read host `box` \(ssh\): bad &lt;img src=x&gt; \\\| reply\. Not planned: `agents\.a`\./,
    );
  });

  test("a host error cannot fake fleet's lines, add images, comments or break the table", () => {
    const d = desired([agent("a", { host: "box" })], [host("box", "ssh")]);
    const hostile =
      "x\n**Plan:** 0 to add <!-- ![i](http://127.0.0.1/p.png) [link](http://127.0.0.1) `tick` | cell \u001b[2J\u202e";
    const md = renderPlanMarkdown(
      plan(d, live([], [LOCAL_LIVE], [hostError("box", "ssh", hostile)])),
    );
    assert.equal(md.match(/\*\*Plan:\*\*/g)?.length, 1, md);
    assert.doesNotMatch(md, /[^\\]\]\(http/);
    for (const raw of ["<!--", "![", "\u001b", "\u202e", " | cell"]) {
      assert.ok(!md.includes(raw), `${JSON.stringify(raw)} in ${md}`);
    }
    assert.ok(md.includes(String.raw`x\\n\*\*Plan:\*\* 0 to add &lt;\!-- \!\[i\]`), md);
  });
});
