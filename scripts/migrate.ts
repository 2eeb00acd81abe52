import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { runCli } from './run-cli';

runCli(async () => {
  const db = await connectDatabase(loadConfig(), { migrate: false });
  try {
    const applied = await db.dataSource.runMigrations({ transaction: 'each' });
    console.log(
      applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Schema is up to date.',
    );
  } finally {
    await db.close();
  }
});
