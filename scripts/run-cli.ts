import 'dotenv/config';
import { ConfigError } from '../src/config';
import { EmbeddedPostgresError } from '../src/db/embedded-postgres';

/**
 * Runs a command-line task, printing known failures as one readable line instead of a stack trace,
 * and exits non-zero when it failed (or set process.exitCode). The exit code is re-asserted as the
 * process exits: embedded-postgres's exit hook ends the process with `process.exit(0)` on
 * `beforeExit`, which would otherwise turn every failure into a success for the calling script.
 */
export function runCli(task: () => Promise<void>): void {
  let failure = 0;
  process.on('exit', () => {
    if (failure) process.exitCode = failure;
  });
  task().then(
    () => {
      failure = Number(process.exitCode ?? 0) || 0;
    },
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof EmbeddedPostgresError)
        console.error(error.message);
      else console.error(error);
      failure = 1;
      process.exitCode = 1;
    },
  );
}
