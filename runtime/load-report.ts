// What loading a state dict found: the tensors loaded, missing, unexpected, or of
// another shape; and the error that lists them when they must all fit.

export interface LoadReport {
  loaded: string[];
  missing: string[];
  unexpected: string[];
  mismatched: { name: string; expected: number[]; got: number[] }[];
}

export class WeightsMismatchError extends Error {
  constructor(
    readonly report: LoadReport,
    network: string,
    source = "the weights",
  ) {
    const lines = [
      ...report.mismatched.map((m) => `  wrong shape: ${m.name}: expected [${m.expected.join(", ")}], got [${m.got.join(", ")}]`),
      ...report.missing.map((n) => `  missing: ${n}`),
      ...report.unexpected.map((n) => `  unexpected: ${n}`),
    ];
    const shown = lines.length > 40 ? [...lines.slice(0, 40), `  … and ${lines.length - 40} more`] : lines;
    const counts = `${report.missing.length} missing, ${report.unexpected.length} unexpected, ${report.mismatched.length} of the wrong shape`;
    super(`${source} do not fit ${network} (${counts}):\n${shown.join("\n")}\n(use --strict false to load what fits, e.g. for fine-tuning)`);
  }
}
