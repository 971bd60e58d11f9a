// COCO-style boxes: a JSON file of images (id, file_name, width, height), annotations
// (image_id, category_id, bbox as [x, y, width, height] in pixels) and categories (id,
// name); images are found beside the file or in its images/ folder. Classes are the
// categories in the order of their ids.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TaskDataError } from "./voc.js";
import type { Sample } from "./dataset.js";

export function readCoco(file: string): { classes: string[]; samples: Sample[] } {
  let doc: any;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new TaskDataError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc?.images) || !Array.isArray(doc?.annotations) || !Array.isArray(doc?.categories))
    throw new TaskDataError(`${file}: COCO boxes need "images", "annotations" and "categories" lists`);
  const cats = [...doc.categories].sort((a, b) => a.id - b.id);
  const classOf = new Map<number, number>(cats.map((c, i) => [c.id, i]));
  const dir = dirname(file);
  const samples = new Map<number, Sample>();
  for (const im of doc.images) {
    const path = [join(dir, "images", im.file_name), join(dir, im.file_name)].find((p) => existsSync(p)) ?? join(dir, "images", im.file_name);
    samples.set(im.id, { file: path, objects: [], width: Number(im.width), height: Number(im.height) });
  }
  for (const a of doc.annotations) {
    const s = samples.get(a.image_id);
    const cls = classOf.get(a.category_id);
    if (!s) throw new TaskDataError(`${file}: an annotation names image ${a.image_id}, which is not in "images"`);
    if (cls === undefined) throw new TaskDataError(`${file}: an annotation names category ${a.category_id}, which is not in "categories"`);
    const [x, y, w, h] = (a.bbox ?? []).map(Number);
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) throw new TaskDataError(`${file}: annotation ${a.id ?? ""} has a bad bbox ${JSON.stringify(a.bbox)}`);
    if (!a.iscrowd) s.objects.push({ class: cls, box: [x, y, x + w, y + h] });
  }
  return { classes: cats.map((c) => String(c.name)), samples: [...samples.values()] };
}
