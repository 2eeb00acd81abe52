import 'reflect-metadata';
import { IssuerKeysService } from '../src/certificates/issuer-keys.service';
import { ResignService } from '../src/certificates/resign.service';
import { StatusListsService } from '../src/certificates/status-lists.service';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { runCli } from './run-cli';

/**
 * Re-signs every current certificate under the issuer's DID (npm run certificates:reissue): same
 * public link, award date, evidence and status slot. Safe to run again: certificates already
 * under the DID are left alone. Exits with status 1 when any certificate could not be re-signed.
 */
runCli(async () => {
  const config = loadConfig();
  const db = await connectDatabase(config, { migrate: true });
  let failed: number;
  try {
    const keys = IssuerKeysService.forConfig(config);
    const resign = new ResignService(keys, new StatusListsService(keys, config.baseUrl), config.baseUrl);
    const summary = await resign.resignAll(db.dataSource);
    console.log(`Issuer: ${keys.issuer.id}`);
    console.log(
      `Re-signed ${summary.resigned} certificate(s); ${summary.alreadyCurrent} already under the DID; ` +
        `${summary.statusLists} status list(s) published again.`,
    );
    for (const failure of summary.failed) {
      console.error(`Could not re-sign certificate ${failure.certificateId}: ${failure.reason}`);
    }
    failed = summary.failed.length;
  } finally {
    await db.close();
  }
  if (failed) {
    console.error(`${failed} certificate(s) were not re-signed; fix them and run this again.`);
    process.exitCode = 1;
  }
});
