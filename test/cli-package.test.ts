// Issue 15, points 3 and 13: netc outside its clone. `npm pack`, then the tarball
// installed into an empty folder with the registry out of reach (offline, and a
// registry address that refuses), its runtime dependencies (`dependencies` only, never
// a dev dependency) provided as the folder's node_modules; then the installed `netc`
// command and `import("netc")` used there.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, useCli } from "./support/cli.js";

useCli();

let app: string;
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_offline: "true", npm_config_registry: "http://127.0.0.1:9/", npm_config_audit: "false", npm_config_fund: "false" },
  });

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pack-"));
  const tarball = join(dir, npm(["pack", "--ignore-scripts", "--pack-destination", dir, "--silent"], ROOT).trim().split("\n").pop()!);
  app = join(dir, "app");
  mkdirSync(join(app, "node_modules"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  // the runtime closure only: what `dependencies` (and optionalDependencies) pull in
  const prod = npm(["ls", "--omit=dev", "--parseable", "--all"], ROOT)
    .split("\n")
    .map((p) => relative(join(ROOT, "node_modules"), p))
    .filter((p) => p && !p.startsWith("..") && !p.includes("node_modules"));
  for (const p of new Set(prod)) {
    mkdirSync(dirname(join(app, "node_modules", p)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", p), join(app, "node_modules", p));
  }
  npm(["install", tarball, "--offline", "--no-package-lock", "--ignore-scripts"], app);
}, 300_000);

afterAll(() => {
  if (app) rmSync(dirname(app), { recursive: true, force: true });
});

describe("the packed tarball, installed into an empty folder without the registry", () => {
  it("has no dev dependency among what it installs", () => {
    const dev = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).devDependencies);
    const installed = JSON.parse(readFileSync(join(app, "node_modules", ".package-lock.json"), "utf8")).packages;
    for (const d of dev) expect(Object.keys(installed).some((p) => p.endsWith(`node_modules/${d}`)), d).toBe(false);
  });

  it("`netc summary lenet5` works there: 44,426 parameters, as LeNet-5 has", () => {
    const r = spawnSync(join(app, "node_modules", ".bin", "netc"), ["summary", "lenet5"], { cwd: app, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Trainable params: 44,426/);
    const v = spawnSync(join(app, "node_modules", ".bin", "netc"), ["--version"], { cwd: app, encoding: "utf8" });
    expect(v.stdout.trim()).toBe(`netc ${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}`);
  });

  it('`import("netc")` gives the typed API: compile, summarize, format, loadModel, run, exportPytorch', () => {
    writeFileSync(
      join(app, "use.mjs"),
      `import { compile, summarize, summaryObject, format, loadModel, run, exportPytorch, CompileError } from "netc";
const net = await compile("lenet5", { set: { classes: "3" } });
const model = await loadModel(net, { backend: "cpu" });
const [y] = await run(model, { shape: [2, 1, 28, 28], data: new Float32Array(2 * 784) });
let error = "";
try { await compile("bad.net", { text: "network bad {\\n  input 3x4x4\\n  conv 2, 9x9\\n}\\n" }); } catch (e) { error = e instanceof CompileError ? e.message : "not a CompileError"; }
console.log(JSON.stringify({
  params: net.counts.params, json: summaryObject(net).params, table: summarize(net).includes("Trainable params: 43,831"),
  formatted: await format("network a { input 1x2x2\\n flatten }"), shape: y.shape, pytorch: (await exportPytorch(net)).includes("nn.Linear(84, 3"), error,
}));
`,
    );
    const r = spawnSync(process.execPath, ["use.mjs"], { cwd: app, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.params).toBe(44426 - (84 * 10 + 10) + (84 * 3 + 3)); // lenet5 with a 3-class last layer, by hand
    expect(j.json).toBe(j.params);
    expect(j.table).toBe(true);
    expect(j.formatted).toBe("network a {\n  input 1x2x2\n  flatten\n}\n");
    expect(j.shape).toEqual([2, 3]);
    expect(j.pytorch).toBe(true);
    expect(j.error).toContain("error[E0301]");
    expect(j.error).toContain("bad.net:3:3");
  });
});
