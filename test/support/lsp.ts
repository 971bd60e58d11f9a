// A minimal LSP client for tests: spawns `node bin/netc.js lsp` and speaks JSON-RPC
// with Content-Length framing, written here (not the library the server uses) so that
// the tests check the wire format itself.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./cli.js";

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string } };

export class LspClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting = new Map<number, (m: Message) => void>();
  private readonly notes: Message[] = [];
  private readonly listeners: ((m: Message) => void)[] = [];
  stderr = "";

  constructor(cwd: string, env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, [join(ROOT, "bin", "netc.js"), "lsp", "--stdio"], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
    this.proc.stdout.on("data", (chunk: Buffer) => this.read(chunk));
    this.proc.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  private read(chunk: Buffer) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8")) as Message;
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (body.id !== undefined && !body.method) this.waiting.get(body.id)?.(body);
      else if (body.id !== undefined && body.method) this.send({ id: body.id, result: null }); // server requests (configuration, refresh)
      else {
        this.notes.push(body);
        for (const l of [...this.listeners]) l(body);
      }
    }
  }

  private send(m: object) {
    const json = JSON.stringify({ jsonrpc: "2.0", ...m });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }

  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return this.within(`${method} (request ${id})`, new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      this.send({ id, method, params });
    }));
  }

  notify(method: string, params: unknown) {
    this.send({ method, params });
  }

  /** The next notification of `method` that satisfies `test` (one already received counts, once). */
  next(method: string, test: (params: any) => boolean = () => true): Promise<any> {
    const i = this.notes.findIndex((m) => m.method === method && test(m.params));
    if (i >= 0) return Promise.resolve(this.notes.splice(i, 1)[0].params);
    return this.within(`a ${method} notification`, new Promise((resolve) => {
      const l = (m: Message) => {
        if (m.method !== method || !test(m.params)) return;
        this.notes.splice(this.notes.indexOf(m), 1);
        this.listeners.splice(this.listeners.indexOf(l), 1);
        resolve(m.params);
      };
      this.listeners.push(l);
    }));
  }

  /** Fails after a minute (a loaded machine answers in well under one), saying what the server printed. */
  private within<T>(what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${what} in 60 s; server stderr: ${this.stderr || "(empty)"}`)), 60_000);
    });
    return Promise.race([p, limit]).finally(() => clearTimeout(timer));
  }

  async initialize(rootPath: string) {
    const r = await this.request("initialize", { processId: process.pid, rootUri: pathToFileURL(rootPath).href, capabilities: {} });
    this.notify("initialized", {});
    return r;
  }

  async close(): Promise<number | null> {
    await this.request("shutdown", null);
    this.notify("exit", null);
    return new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
  }

  kill() {
    this.proc.kill();
  }
}

export const uri = (path: string) => pathToFileURL(path).href;
