// The page's side of a worker (the compiler's, the picture's): one job at a time (a newer
// request replaces a waiting one), and a time limit — a worker still busy after `limitMs`
// is terminated and a fresh one started, so that no input can freeze the playground.
export const LIMIT_MS = 5000;

export type Outcome<R> = { result: R; ms: number } | { stopped: string };

export class WorkerClient<Q, R> {
  private worker: Worker;
  private nextId = 1;
  private running?: { id: number; timer: ReturnType<typeof setTimeout>; done: (o: Outcome<R>) => void };
  private waiting?: { req: Q; done: (o: Outcome<R>) => void };

  /** `what` names the job in the message of a stopped one ("compiling", "drawing"). */
  constructor(
    private readonly url: URL,
    private readonly what: string,
    private readonly limitMs = LIMIT_MS,
  ) {
    this.worker = this.start();
  }

  private start(): Worker {
    const w = new Worker(this.url, { type: "module" });
    w.onmessage = (e: MessageEvent<{ id: number; result?: R; crash?: string; ms: number }>) => {
      const r = this.running;
      if (!r || e.data.id !== r.id) return;
      clearTimeout(r.timer);
      this.running = undefined;
      r.done(e.data.crash === undefined ? { result: e.data.result as R, ms: e.data.ms } : { stopped: e.data.crash });
      this.pump();
    };
    return w;
  }

  /** Runs `req`; a request still waiting when a newer one comes is answered with the newer's outcome. */
  request(req: Q): Promise<Outcome<R>> {
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
      this.worker.terminate(); // the only way to stop a job in progress
      this.worker = this.start();
      this.running = undefined;
      done({ stopped: `${this.what} took longer than ${this.limitMs / 1000} s and was stopped (a huge repeat or very large sizes?)` });
      this.pump();
    }, this.limitMs);
    this.running = { id, timer, done };
    this.worker.postMessage({ id, req });
  }
}
