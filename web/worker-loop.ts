// What each of the playground's workers does with a message: run the job, answer with
// its result and time, or with the failure's message (never a silent worker).
export function serveJobs<Q, R>(job: (req: Q) => Promise<R>, failure: string) {
  const scope = self as unknown as { onmessage: (e: MessageEvent) => void; postMessage: (m: unknown) => void };
  scope.onmessage = async (e: MessageEvent<{ id: number; req: Q }>) => {
    const { id, req } = e.data;
    const t0 = performance.now();
    try {
      const result = await job(req);
      scope.postMessage({ id, result, ms: performance.now() - t0 });
    } catch (err) {
      scope.postMessage({ id, crash: `${failure}: ${(err as Error)?.message ?? String(err)}`, ms: performance.now() - t0 });
    }
  };
}
