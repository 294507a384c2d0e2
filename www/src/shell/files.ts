/** Saving what a page computed: downloads and CSV. */

/** Offers `data` to the user as a file called `name`. */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const s =
    typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: a header row, then one row per record; missing values are empty cells. */
export function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[header, ...rows].map((row) => row.map(cell).join(",")).join("\n")}\n`;
}

/** `iclab-<page>-<UTC timestamp>`: distinct file names for repeated exports. */
export function stamp(page: string): string {
  return `iclab-${page}-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`;
}

/** One CSV row per (curve, k) of an error-vs-k chart: `error_vs_k, name, k, mean, lower, upper`. */
export function errorCurveRows(
  curves: Readonly<Record<string, { mean: number[]; lower: number[]; upper: number[] }>>,
): unknown[][] {
  const rows: unknown[][] = [];
  for (const [name, c] of Object.entries(curves))
    c.mean.forEach((mean, k) => {
      rows.push(["error_vs_k", name, k, mean, c.lower[k], c.upper[k]]);
    });
  return rows;
}
