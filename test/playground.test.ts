// The playground's Node-side pieces (issue 20): what its compile worker computes from the
// editor's text, its share links, and its static server. The page itself is tested in
// chromium (playground-cli.test.ts).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileText, MAX_TEXT } from "../web/compile-core.js";
import { serve } from "../web/serve.js";
import { readState, shareLink } from "../web/share.js";
import { Codes } from "../syntax/diagnostics.js";
import { main } from "../cli/netc.js";

const RESNET = readFileSync(new URL("../networks/resnet.net", import.meta.url), "utf8");

describe("the compile worker's job", () => {
  it("counts a bundled network as torchvision does, with its variant's parameters", async () => {
    const r = await compileText({ text: RESNET, network: "resnet18" });
    expect(r.diagnostics).toEqual([]);
    expect(r.totals?.params).toBe(11_689_512); // torchvision's published count
    expect(r.params.slice(0, 2)).toEqual([{ name: "unit", value: "basic" }, { name: "layers", value: "[2, 2, 2, 2]" }]);
    expect(r.networks).toContain("resnet152");
    expect(r.table).toMatch(/Trainable params: 11,689,512/);
  });

  it("applies --set values: 10 classes instead of 1000", async () => {
    const r = await compileText({ text: RESNET, network: "resnet18", set: { classes: "10" } });
    expect(r.totals?.params).toBe(11_689_512 - 990 * 513); // 990 classes fewer, each 512 weights and a bias in fc
  });

  it("locates a mistake by offset and line", async () => {
    const text = "network n {\n  input 3x8x8\n  convv 4, 3x3\n}\n";
    const r = await compileText({ text });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: "error", line: 3, from: text.indexOf("convv"), to: text.indexOf("convv") + 5 });
    expect(r.rendered).toContain("main.net:3:3");
    expect(r.totals).toBeUndefined();
  });

  it("refuses a text over its size limit without parsing it", async () => {
    const r = await compileText({ text: "#".repeat(MAX_TEXT + 1) });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].code).toBe(Codes.limit);
    expect(r.diagnostics[0].message).toMatch(/up to 1,000,000/);
  });
});

describe("share links", () => {
  it("carry the text, the network and the --set values in the fragment", () => {
    const text = "network a(c = 10) {\n  input 3x8x8 # a comment & more\n}\n";
    const link = shareLink("http://127.0.0.1:8080/?net=lenet5", { text, network: "a", set: { c: "2 * 5" } });
    const u = new URL(link);
    expect(u.search).toBe("");
    expect(readState({ search: u.search, hash: u.hash })).toEqual({ net: undefined, text, network: "a", set: { c: "2 * 5" } });
  });
});

describe("the static server", () => {
  let root: string;
  let url: string;
  let close: () => void;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "netc-site-"));
    mkdirSync(join(root, "wasm"));
    writeFileSync(join(root, "index.html"), "<p>hi</p>");
    writeFileSync(join(root, "wasm", "x.wasm"), new Uint8Array([0, 97, 115, 109]));
    const s = await serve(root, 0, "127.0.0.1");
    url = s.url;
    close = () => s.server.close();
  });
  afterAll(() => {
    close();
    rmSync(root, { recursive: true, force: true });
  });
  const get = (path: string, method = "GET") =>
    new Promise<{ status: number; type?: string; body: string }>((resolve, reject) => {
      const req = request(new URL(path, url), { method }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body }));
      });
      req.on("error", reject);
      req.end();
    });

  it("serves the site on the loopback address, with the types browsers need", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await get("/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8", body: "<p>hi</p>" });
    expect((await get("/wasm/x.wasm")).type).toBe("application/wasm");
  });

  it("serves nothing outside the site, lists no folder, and answers only GET and HEAD", async () => {
    expect((await get("/%2e%2e/%2e%2e/etc/passwd")).status).toBe(404);
    expect((await get("/..%2f..%2fetc%2fpasswd")).status).toBe(404);
    expect((await get("/wasm")).status).toBe(404);
    expect((await get("/nothing.js")).status).toBe(404);
    expect((await get("/", "POST")).status).toBe(405);
    expect((await get("/", "HEAD")).status).toBe(200);
  });

  it("netc playground: a bad port is a usage error; a port in use, a located error (no stack trace)", async () => {
    const run = async (...args: string[]) => {
      const err: string[] = [];
      const code = await main(["playground", ...args], { stdout: () => {}, stderr: (s) => err.push(s), color: false });
      return { code, err: err.join("\n") };
    };
    expect(await run("--port", "70000")).toMatchObject({ code: 2, err: expect.stringMatching(/--port takes a port number/) });
    expect(await run("--port", "")).toMatchObject({ code: 2 });
    expect(await run("extra")).toMatchObject({ code: 2 });
    const busy = await run("--port", new URL(url).port);
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    expect(busy.err).not.toMatch(/\n\s+at /);
  });
});
