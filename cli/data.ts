// netc data synth: writes a seeded synthetic data set (runtime/tasks/synth.ts).
import { EXIT, UsageError } from "./io.js";
import { defineCommand } from "./options.js";

export const dataCommand = defineCommand({
  name: "data",
  args: "synth --task detection|segmentation|classification -n N -o DIR [--size S] [--seed K]",
  summary: "write a synthetic data set of shapes (detection, segmentation, classification)",
  description: `Writes N images of coloured shapes (circle, square, triangle) on noisy backgrounds:
detection and segmentation in PASCAL VOC's layout (JPEGImages/, Annotations/ boxes,
SegmentationClass/ palette PNGs, ImageSets/Main/train.txt and val.txt, every fifth image
in val; classes.txt), classification as one folder of PNGs per class.`,
  options: [
    { name: "task", value: "T", help: "detection, segmentation or classification" },
    { name: "count", short: "n", value: "N", help: "images (default 200)" },
    { name: "size", value: "S", help: "width and height in pixels (default 64)" },
    { name: "output", short: "o", value: "DIR", help: "the folder to write: new, or empty (written complete or not at all)" },
    { name: "seed", value: "K", help: "the generator's seed (default 0): the same seed writes the same files" },
  ],
  async run({ values, positionals }, out) {
    if (positionals[0] !== "synth" || positionals.length !== 1) throw new UsageError(positionals.length ? `unknown data command '${positionals.join(" ")}': netc data synth` : "netc data needs a command: synth");
    const task = values.task;
    if (task !== "detection" && task !== "segmentation" && task !== "classification") throw new UsageError("--task is detection, segmentation or classification");
    if (!values.output) throw new UsageError("netc data synth needs -o DIR");
    const int = (name: string, v: string | undefined, def: number, min: number, max: number) => {
      const n = v === undefined ? def : Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max}, got ${v}`);
      return n;
    };
    const n = int("-n", values.count, 200, 1, 1_000_000);
    const size = int("--size", values.size, 64, 16, 4096);
    const seed = int("--seed", values.seed, 0, 0, 2 ** 31 - 1);
    const { writeSynth, SynthError } = await import("../runtime/tasks/synth.js");
    let count: number;
    try {
      count = writeSynth(values.output, task, n, size, seed);
    } catch (e) {
      if (!(e instanceof SynthError)) throw e;
      out.stderr(`netc data synth: ${e.message}`);
      return EXIT.errors;
    }
    out.stdout(`netc data synth: wrote ${count} ${task} images (${size}x${size}) to ${values.output}`);
    return EXIT.ok;
  },
});
