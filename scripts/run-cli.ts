import 'dotenv/config';
import { ConfigError } from '../src/config';
import { EmbeddedPostgresError } from '../src/db/embedded-postgres';

/**
 * Runs a command-line task, printing known failures as one readable line instead of a stack trace.
 * The exit code the task asked for (process.exitCode) is kept to the end: embedded-postgres's exit
 * hook (async-exit-hook) ends the process with process.exit(0) on beforeExit, which would drop it.
 */
export function runCli(task: () => Promise<void>): void {
  task()
    .catch((error: unknown) => {
      if (error instanceof ConfigError || error instanceof EmbeddedPostgresError)
        console.error(error.message);
      else console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      const requested = process.exitCode;
      if (requested) process.once('exit', () => (process.exitCode = requested));
    });
}
