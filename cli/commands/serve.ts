// `pagewise serve`: serves the web app's static build (web/dist, made by `npm run build:web`) on
// 127.0.0.1 until Ctrl-C. The app runs the engine in the page: this server only hands out files.
// Bounded: loopback only, GET and HEAD only, files under the served folder only (no `..`, no
// symlinks out), streamed rather than read whole, a cap on connections and on how long a request
// may take.

import { createReadStream, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { IoError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { packageRoot } from "../version.js";

const HOST = "127.0.0.1";
export const DEFAULT_PORT = 8080;
const MAX_CONNECTIONS = 64;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_URL = 2048;

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** The web build shipped with the package: web/dist under its root. */
export function defaultWebDir(): string {
  return join(packageRoot() ?? process.cwd(), "web", "dist");
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new InvalidArgumentError(`"${text}" is not a port (0 to 65535)`);
  return n;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** The file a request path names inside `root`, or null when it is outside or not a file. */
function fileFor(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return null;
  }
  if (path.includes("\0")) return null;
  const candidate = resolve(root, `.${path.endsWith("/") ? `${path}index.html` : path}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  try {
    const real = realpathSync(candidate);
    if (real !== root && !real.startsWith(root + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

function handle(root: string, req: IncomingMessage, res: ServerResponse): void {
  const send = (code: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(code, { "content-type": "text/plain; charset=utf-8", ...headers });
    res.end(req.method === "HEAD" ? undefined : `${text}\n`);
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(405, "method not allowed", { allow: "GET, HEAD" });
    return;
  }
  const url = req.url ?? "/";
  if (url.length > MAX_URL) {
    send(414, "URL too long");
    return;
  }
  const file = fileFor(root, url);
  if (file === null) {
    send(404, "not found");
    return;
  }
  const size = statSync(file).size;
  res.writeHead(200, {
    "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": String(size),
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/**
 * Serves the files of `dir` on 127.0.0.1:`port` (0: any free port). Throws IoError when `dir`
 * has no index.html (the build is missing) or the port cannot be had.
 */
export async function startServer(dir: string, port: number): Promise<RunningServer> {
  let root: string;
  try {
    root = realpathSync(resolve(dir));
    if (!statSync(join(root, "index.html")).isFile()) throw new Error("not a file");
  } catch {
    throw new IoError(`no web app build in ${dir} (no index.html): run npm run build:web first`, { dir });
  }
  const server = createServer((req, res) => handle(root, req, res));
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = 2000;
  await new Promise<void>((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      fail(
        e.code === "EADDRINUSE"
          ? new IoError(`port ${port} on ${HOST} is in use: choose another with --port (0: any free port)`, {
              port,
            })
          : new IoError(`cannot listen on ${HOST}:${port}: ${e.code ?? e.message}`, { port }),
      );
    });
    server.listen(port, HOST, () => ok());
  });
  const addr = server.address();
  const actual = typeof addr === "object" && addr !== null ? addr.port : port;
  return {
    server,
    url: `http://${HOST}:${actual}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** Resolves on the first Ctrl-C (SIGINT) or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((ok) => {
    const on = (sig: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      ok(sig);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

interface ServeOptions {
  port: number;
  dir?: string;
}

export function registerServe(program: Command, { io }: CommandContext): void {
  program
    .command("serve")
    .summary("serve the web app (step through demand paging in a browser) on 127.0.0.1")
    .description(
      "Serve the web app's static build (npm run build:web writes it to web/dist) on 127.0.0.1 until\n" +
        "Ctrl-C. The app runs the engine in the page; its index.html also opens straight from the disk.",
    )
    .option("--port <n>", "TCP port on 127.0.0.1 (0: any free port)", parsePort, DEFAULT_PORT)
    .option("--dir <path>", "folder to serve (default: the package's web/dist)")
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise serve --port 0                  any free port; the address is printed
  $ pagewise serve --dir web/dist --port 0   a build in another folder

Build the app first with npm run build:web (a clean clone has none).`,
    )
    .action(async (opts: ServeOptions) => {
      const s = await startServer(opts.dir ?? defaultWebDir(), opts.port);
      io.stdout.write(`pagewise web app at ${s.url} (Ctrl-C to stop)\n`);
      const sig = await untilSignal();
      await s.close();
      io.stdout.write(`stopped (${sig})\n`);
    });
}
