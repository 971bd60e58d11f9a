// node:fs (and node:fs/promises) for the browser bundle: a read-only file system that
// holds the bundled networks at /pkg/networks (so that the compiler's libraryDir()
// finds them from /pkg/compiler), and nothing else. Writes fail.
import LIBRARY from "netc:library";
import { dirname, normalize } from "./path.js";

const files = new Map<string, string>([["/pkg/package.json", "{}"]]);
for (const [name, text] of Object.entries(LIBRARY as Record<string, string>)) files.set(`/pkg/networks/${name}`, text);
const dirs = new Set<string>();
for (const f of files.keys()) for (let d = dirname(f); d !== "/"; d = dirname(d)) dirs.add(d);

const notFound = (p: string) => Object.assign(new Error(`ENOENT: no such file, ${p}`), { code: "ENOENT" });

export const existsSync = (p: string) => files.has(normalize(p)) || dirs.has(normalize(p));
export function readFileSync(p: string): string {
  const text = files.get(normalize(p));
  if (text === undefined) throw notFound(p);
  return text;
}
export function readdirSync(p: string): string[] {
  const d = normalize(p);
  if (!dirs.has(d)) throw notFound(p);
  const out = new Set<string>();
  for (const f of [...files.keys(), ...dirs]) if (dirname(f) === d) out.add(f.slice(d.length + 1));
  return [...out].sort();
}
const readOnly = (): never => {
  throw Object.assign(new Error("EROFS: the playground's file system is read-only"), { code: "EROFS" });
};
export const readFile = async (p: string) => readFileSync(p);
// What the runtime's atomic writer and savers import: never called in the page.
export { readOnly as writeFileSync, readOnly as mkdirSync, readOnly as renameSync, readOnly as chmodSync, readOnly as lstatSync };
export { readOnly as readlinkSync, readOnly as realpathSync, readOnly as statSync, readOnly as unlinkSync };
export { readOnly as chmod, readOnly as rename, readOnly as unlink, readOnly as writeFile };

export default { existsSync, readFileSync, readdirSync };
