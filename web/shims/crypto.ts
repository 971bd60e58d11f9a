// node:crypto for the browser bundle: the parse cache hashes its key even when the cache
// is off (as it is in the browser); nothing reads the digest.
export function createHash(_algorithm: string) {
  const h = { update: (_d: unknown) => h, digest: (_e?: string) => "" };
  return h;
}
export const randomBytes = (n: number) => {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return Object.assign(b, { toString: () => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("") });
};
export default { createHash, randomBytes };
