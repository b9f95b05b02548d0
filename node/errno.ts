// Operating-system error codes as the sentences a user reads ("no space left on the device"), one
// table for every place that reports a failed file operation: the CLI's error handler
// (cli/errno.ts), the output writer (output-file.ts) and the swap file (file-swap-store.ts).

const SENTENCES: Readonly<Record<string, string>> = {
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
  EIO: "an input/output error from the device",
  EFBIG: "the file is too large",
  EBADF: "the file is not open",
  EPIPE: "the other end of the pipe was closed",
  ENOEXEC: "not an executable format",
  E2BIG: "the argument list is too long",
  EAGAIN: "the resource is temporarily unavailable",
  ETIMEDOUT: "the operation timed out",
  ECONNREFUSED: "the connection was refused",
};

/** The sentence for errno `code`, or undefined for a code not in the table. */
export function errnoSentence(code: string): string | undefined {
  return SENTENCES[code];
}
