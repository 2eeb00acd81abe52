import 'reflect-metadata';
import { IssuerKeysService, issuerProfile } from '../src/certificates/issuer-keys.service';
import { keyWrapFor } from '../src/certificates/key-wrap';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { runCli } from './run-cli';

/**
 * Adds a new issuer signing key. New credentials are signed with it at once (every app process
 * reads the newest key); older keys stay published, so everything ever issued still verifies.
 */
runCli(async () => {
  const config = loadConfig();
  const db = await connectDatabase(config, { migrate: true });
  try {
    const keys = new IssuerKeysService(issuerProfile(config), keyWrapFor(config));
    const key = await db.dataSource.transaction(async (manager) => {
      await keys.ensureKey(manager);
      return keys.rotate(manager, null);
    });
    const all = await keys.publicKeys(db.dataSource.manager);
    console.log(`New signing key: ${key.id}`);
    console.log(`Published keys (${all.length}): ${all.map((k) => k.id).join(', ')}`);
  } finally {
    await db.close();
  }
});
