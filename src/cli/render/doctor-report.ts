/** `fleet doctor` for humans: one line per check, a hint under each missing piece. */
import type { DoctorCheck, DoctorReport } from "../../core/doctor/doctor.ts";
import { paint } from "./color.ts";
import { renderTable } from "./table.ts";

const WORDS: Record<DoctorCheck["status"], string> = {
  ok: "ok",
  missing: "MISSING",
  error: "ERROR",
  info: "-",
};

export function renderDoctorText(report: DoctorReport, color: boolean): string {
  const rows = report.checks.map((c) => [
    WORDS[c.status],
    c.name,
    c.version ?? "",
    [c.path, c.detail].filter(Boolean).join(": "),
  ]);
  const table = renderTable(["STATUS", "CHECK", "VERSION", "WHERE"], rows).split("\n");
  const lines = [
    report.fleetFile === null
      ? "No fleet file: checking what fleet itself needs."
      : `Fleet file: ${report.fleetFile}`,
    "",
    table[0] ?? "",
  ];
  report.checks.forEach((check, i) => {
    const line = table[i + 1] ?? "";
    lines.push(
      check.status === "ok"
        ? line
        : check.required
          ? paint(color, "red", line)
          : paint(color, "dim", line),
    );
    if (check.required && check.status !== "ok") {
      lines.push(`    needed by ${check.neededBy.join(", ")}`);
      if (check.hint) lines.push(`    hint: ${check.hint}`);
    }
  });
  for (const note of report.notes) lines.push("", `Note: ${note}`);
  const missing = report.checks.filter((c) => c.required && c.status !== "ok");
  lines.push(
    "",
    missing.length === 0
      ? "Everything needed is here."
      : `Missing what is needed: ${missing.map((c) => c.name).join(", ")}.`,
  );
  return lines.join("\n");
}
