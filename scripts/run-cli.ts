import 'dotenv/config';
import { ConfigError } from '../src/config';
import { EmbeddedPostgresError } from '../src/db/embedded-postgres';

/** Runs a command-line task, printing known failures as one readable line instead of a stack trace. */
export function runCli(task: () => Promise<void>): void {
  task().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof EmbeddedPostgresError) console.error(error.message);
    else console.error(error);
    process.exitCode = 1;
  });
}
