import fs from 'node:fs';
import path from 'node:path';
import { bundledContexts, OB_V3_JSON_SCHEMA_URL } from '../../../src/certificates/credentials';

export const SCHEMA_FILE = path.join(
  __dirname,
  '../../fixtures/standards/ob_v3p0_achievementcredential_schema.json',
);
/** A registry in the DCC "legacy" list format, served only to the test's fetch. */
export const TEST_REGISTRY_URL = 'https://registry.test/issuers.json';

/**
 * What the network looks like to a partner's verifier during a test: the app (its DID's https URLs
 * mapped onto the test server's http address), JSON-LD contexts from the npm context packages, the
 * 1EdTech schema from the vendored copy, and a local registry listing the issuer. Anything else
 * fails, so no test reaches the internet. Returns a function that puts the real fetch back.
 */
export function routePartnerFetch(options: {
  baseUrl: string;
  registry: Record<string, { name: string; url: string; location?: string }>;
}): { restore(): void; requested: string[] } {
  const realFetch = globalThis.fetch;
  const origin = new URL(options.baseUrl);
  const requested: string[] = [];
  const json = (body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': type } });
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    url.hash = '';
    const address = url.toString();
    requested.push(address);
    const context = bundledContexts.get(address);
    if (context) return json(context, 'application/ld+json');
    if (address === OB_V3_JSON_SCHEMA_URL) return json(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
    if (address === TEST_REGISTRY_URL) return json({ registry: options.registry });
    if (url.host === origin.host) {
      url.protocol = origin.protocol;
      return realFetch(url, { method: request.method, headers: request.headers });
    }
    throw new TypeError(`The test network has no ${address}`);
  };
  return { restore: () => (globalThis.fetch = realFetch), requested };
}
