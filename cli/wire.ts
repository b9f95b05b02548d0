// Calls into the Node-side workload tools (node/convert.ts, node/capture.ts), kept in one place.

import { IoError } from "./errors.js";
import type { CliIo } from "./io.js";

export interface ConvertResult {
  in: string;
  out: string;
  format: string;
  pageSize: number;
  references: number;
  bytesIn: number;
  bytesOut: number;
}

export async function convertTrace(
  _io: CliIo,
  _input: string,
  _opts: { out: string; format?: string; pageSize?: number; skipBad?: boolean },
): Promise<ConvertResult> {
  throw new IoError("convert is not available in this build yet");
}

export interface CaptureResult {
  command: string[];
  out: string;
  references: number;
  exitCode: number;
}

export async function captureTrace(_io: CliIo, _command: string[], _out: string): Promise<CaptureResult> {
  throw new IoError("trace capture is not available in this build yet");
}
