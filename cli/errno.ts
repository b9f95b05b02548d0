// Operating-system error codes as the sentences a user reads: "cannot open out/t.pwt: no such file
// or directory (ENOENT)" rather than a bare ENOENT.

const SENTENCES: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
  EEXIST: "it already exists",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EBUSY: "the resource is busy",
  EXDEV: "it is on another file system",
  EINVAL: "invalid argument",
  EIO: "an input/output error",
  EPIPE: "the other end of the pipe was closed",
  ENOEXEC: "not an executable format",
  E2BIG: "the argument list is too long",
  EAGAIN: "the resource is temporarily unavailable",
  ETIMEDOUT: "the operation timed out",
  ECONNREFUSED: "the connection was refused",
};

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
  const sentence = SENTENCES[e.code];
  return `cannot ${action}${path}: ${sentence ? `${sentence} (${e.code})` : e.code}`;
}
