// netc playground: serves the browser playground (web/, built into dist/playground/).
import { serve, siteDir } from "../web/serve.js";
import { EXIT, UsageError } from "./io.js";
import { defineCommand } from "./options.js";

export const playgroundCommand = defineCommand({
  name: "playground",
  args: "[--port P] [--host H]",
  summary: "serve the browser playground: edit, check and run networks (--port, --host)",
  description: `Serves the playground, a page to write a network and see its diagnostics, summary,
picture and parameters as you type, and run it in the browser (WebGPU, WebGL or
wasm), at http://127.0.0.1:8080/ until interrupted. The site is plain files (dist/playground/):
any static web server can serve it too.`,
  options: [
    { name: "port", value: "P", help: "the port (default 8080; 0 picks a free one)" },
    { name: "host", value: "H", help: "the address to listen on (default 127.0.0.1: this machine only)" },
  ],
  async run({ values, positionals }, out) {
    if (positionals.length) throw new UsageError(`netc playground takes no arguments, got ${positionals.join(" ")}`);
    const port = values.port === undefined ? 8080 : /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
    if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port takes a port number (0 to 65535), got ${values.port}`);
    const site = siteDir();
    if (!site) {
      out.stderr("netc playground: the site is not built (dist/playground/index.html is missing); run `npm run build`");
      return EXIT.errors;
    }
    let url: string;
    try {
      ({ url } = await serve(site, port, values.host ?? "127.0.0.1"));
    } catch (e) {
      out.stderr(`netc playground: cannot listen on ${values.host ?? "127.0.0.1"}:${port}: ${(e as Error).message}`);
      return EXIT.errors;
    }
    out.stdout(`netc playground: serving ${url} (Ctrl-C stops)`);
    return new Promise<number>(() => {}); // serves until the process is interrupted
  },
});
