// node:url for the browser bundle: every module "lives" under /pkg, where the shim of
// node:fs keeps the bundled networks.
export const fileURLToPath = (_url: string) => "/pkg/compiler/module.js";
export const pathToFileURL = (p: string) => new URL(`file://${p}`);
export default { fileURLToPath, pathToFileURL };
