import 'reflect-metadata';
import { IssuerKeysService } from '../src/certificates/issuer-keys.service';
import { KeyWrap } from '../src/certificates/key-wrap';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { runCli } from './run-cli';

/**
 * `npm run keys:rewrap`: re-encrypts the issuer's signing keys under the current ISSUER_KEY_SECRET
 * (or DATA_DIR/issuer-key-secret). With ISSUER_KEY_SECRET_PREVIOUS set, keys encrypted under that
 * previous secret are decrypted with it first: this is how the key-encryption key is rotated. Keys
 * still in plain text are encrypted too. The signing keys themselves do not change.
 */
runCli(async () => {
  const config = loadConfig();
  const db = await connectDatabase(config, { migrate: true });
  try {
    const keys = IssuerKeysService.forConfig(config);
    const previous = config.issuerKeySecretPrevious;
    const changed = await db.dataSource.transaction((manager) =>
      keys.protectStoredKeys(manager, previous ? new KeyWrap(() => previous) : undefined),
    );
    console.log(
      changed
        ? `Re-encrypted ${changed} issuer key(s) under the current secret.`
        : 'Every issuer key is already encrypted under the current secret.',
    );
  } finally {
    await db.close();
  }
});
