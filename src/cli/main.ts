#!/usr/bin/env node
import { EXIT_USAGE_OR_INPUT, run } from './run';

// A reader that stops early (`| head`) closes the pipe: stop quietly with the run's exit code instead of a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode);
  process.stderr.write(`error: cannot write the report to stdout (${e.message})\n`);
  process.exit(EXIT_USAGE_OR_INPUT);
});

// exitCode rather than process.exit(): a large report piped to another process is flushed before exiting.
void Promise.resolve(run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })).then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = EXIT_USAGE_OR_INPUT;
});
