// The playground's compile worker: the compiler runs here, off the page's thread, so that
// a huge repeat or a slow network never freezes the editor; the page stops (terminates)
// a worker that takes too long and starts another.
import { compileText } from "./compile-core.js";
import { serveJobs } from "./worker-loop.js";

serveJobs(compileText, "the compiler failed");
