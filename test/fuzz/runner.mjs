// The fuzz test's child process: runs pagewise's main() in-process for each case read from stdin
// (one JSON line: argv and cwd), and answers on fd 3 with the exit code, what was printed and the
// process's peak resident memory so far (VmHWM). The parent kills it when a case overruns its time.

import { readFileSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";

const dir = process.argv[2];
const { main } = await import(`${dir}/cli/main.js`);
const { bufferIo } = await import(`${dir}/cli/io.js`);

function peakKb() {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) : Math.round(process.memoryUsage().rss / 1024);
  } catch {
    return Math.round(process.memoryUsage().rss / 1024);
  }
}

const lines = createInterface({ input: process.stdin });
writeSync(3, `${JSON.stringify({ ready: true })}\n`);
for await (const line of lines) {
  const { argv, cwd } = JSON.parse(line);
  const io = bufferIo({ cwd, env: {} });
  let code;
  try {
    code = await main(argv, io);
  } catch (e) {
    code = -1;
    io.stderr.write(`main threw: ${e instanceof Error ? e.stack : String(e)}\n`);
  }
  writeSync(
    3,
    `${JSON.stringify({ code, stdout: io.stdout.text, stderr: io.stderr.text, peakKb: peakKb() })}\n`,
  );
}
