import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { runMigrationsSerialised } from '../src/db/migrate-serialised';
import { runCli } from './run-cli';

runCli(async () => {
  const db = await connectDatabase(loadConfig(), { migrate: false });
  try {
    // Like start-up: one process at a time, and no query timeout (a backfill may take minutes).
    const applied = await db.untimed((dataSource) => runMigrationsSerialised(dataSource));
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.');
  } finally {
    await db.close();
  }
});
