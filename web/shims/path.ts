// node:path for the browser bundle: POSIX paths, what the compiler's loader uses.
export const sep = "/";

export function normalize(p: string): string {
  const abs = p.startsWith("/");
  const parts: string[] = [];
  for (const s of p.split("/")) {
    if (!s || s === ".") continue;
    if (s === "..") {
      if (parts.length && parts[parts.length - 1] !== "..") parts.pop();
      else if (!abs) parts.push("..");
    } else parts.push(s);
  }
  return (abs ? "/" : "") + parts.join("/") || (abs ? "/" : ".");
}

export const isAbsolute = (p: string) => p.startsWith("/");
export const join = (...ps: string[]) => normalize(ps.filter(Boolean).join("/"));
export const resolve = (...ps: string[]) => {
  let out = "/";
  for (const p of ps) out = isAbsolute(p) ? p : `${out}/${p}`;
  return normalize(out);
};
export const dirname = (p: string) => {
  const n = normalize(p);
  const i = n.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : n.slice(0, i);
};
export const basename = (p: string) => normalize(p).split("/").pop() ?? "";

export default { sep, normalize, isAbsolute, join, resolve, dirname, basename };
