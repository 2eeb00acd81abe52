import { Router, type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { TooManyRequests, ValidationFailed } from '../web/errors';
import { certificatePdf, qrPng } from './certificate-pdf';
import type { CertificatesService } from './certificates.service';
import type { IssuerKeysService } from './issuer-keys.service';
import type { StatusListsService } from './status-lists.service';
import type { VerificationCounter } from './verification-counter';
import type { VerificationService } from './verification.service';
import { checksView, claimsOf, dateOnly, statusView } from './view-models';

interface PublicRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  certificates: CertificatesService;
  keys: IssuerKeysService;
  lists: StatusListsService;
  verification: VerificationService;
  counter: VerificationCounter;
  ratePerMinute: number;
}

const MAX_CREDENTIAL_BYTES = 256 * 1024;
const JSON_TYPES = ['application/json', 'application/ld+json', 'application/vc+ld+json', 'application/vc'];

function wantsJson(req: Request): boolean {
  const best = req.accepts(['text/html', ...JSON_TYPES]);
  return typeof best === 'string' && best !== 'text/html';
}

/** Per-address limit on the public endpoints (in memory: cheap enough for every request). */
function rateLimit(perMinute: number): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: 'public', points: perMinute, duration: 60 });
  return async (req, _res, next) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
      next();
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.ceil(error.msBeforeNext / 1000);
      throw new TooManyRequests(
        `Too many requests from your address. Please wait ${seconds} seconds.`,
        seconds,
      );
    }
  };
}

/** Reads a pasted or uploaded credential; a person gets a message they can act on. */
function parseCredential(text: string): unknown {
  if (!text.trim()) throw new ValidationFailed({ credential: 'Paste the credential JSON or choose a file.' });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationFailed({
      credential: 'This is not valid JSON. Paste the whole credential, from the first { to the last }.',
    });
  }
}

/** What partners use, without an account: certificate pages, the verifier, and our public keys. */
export function publicCertificatesRouter(deps: PublicRouterDeps): Router {
  const { dataSource, catalog, certificates, keys, lists, verification, counter } = deps;
  const router = Router();
  const manager = dataSource.manager;
  const limited = rateLimit(deps.ratePerMinute);
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_CREDENTIAL_BYTES, files: 1 },
  });

  router.get('/issuer', limited, async (_req, res) => {
    res
      .type('application/json')
      .set('Cache-Control', 'public, max-age=300')
      .send(await keys.issuerDocument(manager));
  });

  router.get('/status/:listId', limited, async (req, res) => {
    const listId = Number(req.params.listId);
    const credential =
      Number.isInteger(listId) && listId > 0
        ? await lists.credential(manager, listId, verification.documentLoader(manager))
        : null;
    if (!credential) {
      res.status(404).json({ error: 'There is no status list at this address.' });
      return;
    }
    res.type('application/json').set('Cache-Control', 'no-cache').send(credential);
  });

  const sendJson = async (req: Request, res: Parameters<RequestHandler>[1]) => {
    const certificate = await certificates.byCode(manager, String(req.params.code));
    counter.count(certificate.id, 'json');
    res.type('application/json').set('Cache-Control', 'no-cache').send(certificate.credential);
  };

  router.get('/c/:code', limited, async (req, res) => {
    if (wantsJson(req)) return sendJson(req, res);
    const certificate = await certificates.byCode(manager, String(req.params.code));
    counter.count(certificate.id, 'page');
    const track = catalog.current().trackById.get(certificate.trackId);
    const url = certificates.urlOf(certificate.code);
    res.set('Vary', 'Accept').render('certificates/show', {
      pageTitle: `${certificate.holderName}: ${claimsOf(certificate.credential).achievementName}`,
      url,
      code: certificate.code,
      claims: claimsOf(certificate.credential),
      status: statusView(certificate),
      check: checksView(await verification.verify(manager, certificate.credential)),
      linkedInUrl: linkedInUrl({
        name: claimsOf(certificate.credential).achievementName,
        organization: keys.issuer.name,
        issued: certificate.awardedAt,
        expires: certificate.validUntil,
        url,
        code: certificate.code,
      }),
      trackTitle: track?.title ?? certificate.trackId,
    });
  });
  router.get('/c/:code/credential.json', limited, sendJson);

  router.get('/c/:code/certificate.pdf', limited, async (req, res) => {
    const certificate = await certificates.byCode(manager, String(req.params.code));
    counter.count(certificate.id, 'pdf');
    const claims = claimsOf(certificate.credential);
    const pdf = await certificatePdf({
      holderName: claims.holder,
      certificateName: claims.achievementName,
      trackTitle: catalog.current().trackById.get(certificate.trackId)?.title ?? certificate.trackId,
      awardedOn: claims.awarded ?? '',
      validUntil: claims.expires,
      issuerName: claims.issuerName,
      issuerUrl: claims.issuerUrl,
      verifyUrl: certificates.urlOf(certificate.code),
    });
    res.type('application/pdf').attachment(`certificate-${certificate.code}.pdf`).send(pdf);
  });

  router.get('/c/:code/qr.png', limited, async (req, res) => {
    const certificate = await certificates.byCode(manager, String(req.params.code));
    res
      .type('image/png')
      .set('Cache-Control', 'public, max-age=86400')
      .send(await qrPng(certificates.urlOf(certificate.code)));
  });

  router.get('/verify', (_req, res) => {
    res.render('certificates/verify', {
      pageTitle: 'Verify a credential',
      values: {},
      errors: {},
      result: null,
    });
  });
  // Verifying changes nothing, so it needs no CSRF token (and partners get no session).
  router.post('/verify', limited, upload.single('file'), async (req, res) => {
    const body = (req.body ?? {}) as { credential?: unknown };
    const pasted = typeof body.credential === 'string' ? body.credential : '';
    const text = req.file ? req.file.buffer.toString('utf8') : pasted;
    try {
      const credential = parseCredential(text);
      const result = checksView(await verification.verify(manager, credential));
      const claims = claimsOf(credential);
      const ours = await certificates.findByCredential(manager, credential);
      if (ours) counter.count(ours.id, 'paste');
      res.render('certificates/verify', {
        pageTitle: result.verified ? 'Credential verified' : 'Credential not verified',
        values: { credential: pasted },
        errors: {},
        result: { ...result, claims, awarded: dateOnly(claims.awarded) },
      });
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      res.status(400).render('certificates/verify', {
        pageTitle: 'Verify a credential',
        values: { credential: pasted.slice(0, 10_000) },
        errors: error.fieldErrors,
        result: null,
      });
    }
  });

  return router;
}

/** LinkedIn's documented "Add to profile" link for a certification. */
function linkedInUrl(c: {
  name: string;
  organization: string;
  issued: Date;
  expires: Date | null;
  url: string;
  code: string;
}): string {
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: c.name,
    organizationName: c.organization,
    issueYear: String(c.issued.getUTCFullYear()),
    issueMonth: String(c.issued.getUTCMonth() + 1),
    certUrl: c.url,
    certId: c.code,
  });
  if (c.expires) {
    params.set('expirationYear', String(c.expires.getUTCFullYear()));
    params.set('expirationMonth', String(c.expires.getUTCMonth() + 1));
  }
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}
