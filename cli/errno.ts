// Operating-system error codes as the sentences a user reads: "cannot open out/t.pwt: no such file
// or directory (ENOENT)" rather than a bare ENOENT. The sentences are node/errno.ts's.

import { errnoSentence } from "../node/errno.js";

/** What a syscall tried, in words. */
const ACTIONS: Record<string, string> = {
  open: "open",
  read: "read",
  write: "write",
  mkdir: "create the directory",
  rmdir: "remove the directory",
  unlink: "remove",
  rename: "rename",
  stat: "find",
  lstat: "find",
  scandir: "list the directory",
  spawn: "run",
  copyfile: "copy",
};

/** "cannot open /x/t.pwt: no such file or directory (ENOENT)" for a Node errno error. */
export function errnoMessage(e: { code: string; syscall: string; path?: string }): string {
  const action = ACTIONS[e.syscall] ?? e.syscall;
  const path = typeof e.path === "string" ? ` ${e.path}` : "";
  const sentence = errnoSentence(e.code);
  return `cannot ${action}${path}: ${sentence ? `${sentence} (${e.code})` : e.code}`;
}
