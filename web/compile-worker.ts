// The playground's compile worker: the compiler runs here, off the page's thread, so that
// a huge repeat or a slow network never freezes the editor; the page stops (terminates)
// a worker that takes too long and starts another.
import { compileText, type CompileRequest } from "./compile-core.js";

const scope = self as unknown as { onmessage: (e: MessageEvent) => void; postMessage: (m: unknown) => void };

scope.onmessage = async (e: MessageEvent<{ id: number; req: CompileRequest }>) => {
  const { id, req } = e.data;
  const t0 = performance.now();
  try {
    const result = await compileText(req);
    scope.postMessage({ id, result, ms: performance.now() - t0 });
  } catch (err) {
    scope.postMessage({ id, crash: `the compiler failed: ${(err as Error).message ?? String(err)}`, ms: performance.now() - t0 });
  }
};
