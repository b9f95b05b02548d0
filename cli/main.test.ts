import { describe, expect, it } from "vitest";
import { runCli } from "./test-helpers.js";

const ESC = String.fromCharCode(27);
const COMMANDS = ["demo", "run", "sweep", "mrc", "belady", "info", "translate", "convert", "trace"];

describe("pagewise (framework)", () => {
  it.each(COMMANDS)("%s --help prints usage with examples and exits 0", async (cmd) => {
    const r = await runCli([cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: pagewise ${cmd}`);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("$ pagewise");
    expect(r.stderr).toBe("");
  });

  it("lists every command in the top-level help", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of COMMANDS) expect(r.stdout).toContain(cmd);
  });

  it("prints the version", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("exits 2 with one line on stderr for usage errors", async () => {
    for (const argv of [
      ["frobnicate"],
      ["run", "--bogus"],
      ["run", "--frames"],
      ["translate", "--ptbr", "x"],
      [],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stdout, argv.join(" ")).toBe("");
      if (argv.length > 0) {
        expect(r.stderr.trim().split("\n"), argv.join(" ")).toHaveLength(1);
        expect(r.stderr).toMatch(/^pagewise: error: /);
      }
    }
  });

  it("exits 2 when no workload, or two, are given, and for --json with --csv", async () => {
    expect((await runCli(["run", "--policy", "fifo", "--frames", "3"])).code).toBe(2);
    expect((await runCli(["run", "--refs", "1,2", "--gen", "x", "--frames", "3"])).code).toBe(2);
    const both = await runCli(["translate", "--json", "--csv"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--json and --csv");
  });

  it("never colours output when NO_COLOR is set, even on a TTY", async () => {
    const plain = await runCli(["translate"], { tty: true, env: { NO_COLOR: "1" } });
    expect(plain.stdout).not.toContain(ESC);
    const colored = await runCli(["translate"], { tty: true, env: {} });
    expect(colored.stdout).toContain(ESC);
    const piped = await runCli(["translate"], { tty: false, env: {} });
    expect(piped.stdout).not.toContain(ESC);
  });
});

describe("lazy loading", () => {
  it("loads no command for --version alone, the named one for a command, all for help or a typo", async () => {
    const { commandsFor } = await import("./main.js");
    expect(commandsFor(["--version"])).toEqual([]);
    expect(commandsFor(["-V"])).toEqual([]);
    expect(commandsFor(["run", "--refs", "1,2"])).toEqual(["run"]);
    expect(commandsFor(["--help"]).length).toBeGreaterThan(10);
    expect(commandsFor(["rnu"]).length).toBeGreaterThan(10);
  });
});
