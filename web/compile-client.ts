// The page's side of the compile worker: one compile at a time (a newer text replaces a
// waiting one), and a time limit — a worker still compiling after LIMIT_MS is
// terminated and a fresh one started, so that no input can freeze the playground.
import type { CompileRequest, CompileResult } from "./compile-core.js";

export const LIMIT_MS = 5000;

export type Outcome = { result: CompileResult; ms: number } | { stopped: string };

export class CompileClient {
  private worker: Worker;
  private nextId = 1;
  private running?: { id: number; timer: ReturnType<typeof setTimeout>; done: (o: Outcome) => void };
  private waiting?: { req: CompileRequest; done: (o: Outcome) => void };

  constructor(private readonly url: URL) {
    this.worker = this.start();
  }

  private start(): Worker {
    const w = new Worker(this.url, { type: "module" });
    w.onmessage = (e: MessageEvent<{ id: number; result?: CompileResult; crash?: string; ms: number }>) => {
      const r = this.running;
      if (!r || e.data.id !== r.id) return;
      clearTimeout(r.timer);
      this.running = undefined;
      r.done(e.data.result ? { result: e.data.result, ms: e.data.ms } : { stopped: e.data.crash ?? "the compiler failed" });
      this.pump();
    };
    return w;
  }

  /** Compiles `req`; a request still waiting when a newer one comes is answered with the newer's outcome. */
  compile(req: CompileRequest): Promise<Outcome> {
    return new Promise((done) => {
      const prior = this.waiting;
      this.waiting = { req, done: (o) => (prior?.done(o), done(o)) };
      this.pump();
    });
  }

  private pump() {
    if (this.running || !this.waiting) return;
    const { req, done } = this.waiting;
    this.waiting = undefined;
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.worker.terminate(); // the only way to stop a compile in progress
      this.worker = this.start();
      this.running = undefined;
      done({ stopped: `compiling took longer than ${LIMIT_MS / 1000} s and was stopped (a huge repeat or very large sizes?)` });
      this.pump();
    }, LIMIT_MS);
    this.running = { id, timer, done };
    this.worker.postMessage({ id, req });
  }
}
