/** Reading the template of `check -` from standard input. */
import * as fs from 'fs';

/** Standard input, as the CLI reads it; tests give their own. */
export interface StdinSource {
  /** A terminal would wait for a person to type a template: the CLI refuses instead. */
  readonly isTTY?: boolean;
  /** Reads to the end, or to just past `limit` bytes (then the input is too large and the rest is not read). */
  read(limit: number): Uint8Array;
}

/** The process's standard input, file descriptor 0. */
export const processStdin: StdinSource = {
  get isTTY() {
    return process.stdin.isTTY === true;
  },
  read(limit: number): Uint8Array {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(64 * 1024);
    while (total <= limit) {
      let n: number;
      try {
        n = fs.readSync(0, buffer, 0, buffer.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A non-blocking pipe with nothing in it yet: wait a little instead of spinning.
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        // Standard input closed (a CI step without one) reads as empty.
        if (code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
    }
    return Buffer.concat(chunks);
  },
};
