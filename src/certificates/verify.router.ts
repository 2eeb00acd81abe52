import { Router, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { ValidationFailed, type FieldErrors } from '../web/errors';
import type { CertificatesService } from './certificates.service';
import type { VerificationCounter } from './verification-counter';
import type { VerificationService } from './verification.service';
import { verifyInputReader, type VerifyInput } from './verify-input';
import {
  CouldNotCheckInTime,
  CredentialTooLarge,
  parseCredentialText,
  type VerifyLimits,
} from './verify-limits';
import { checksView, claimsOf, dateOnly } from './view-models';

interface VerifyRouterDeps {
  dataSource: DataSource;
  certificates: CertificatesService;
  verification: VerificationService;
  counter: VerificationCounter;
  limits: VerifyLimits;
  limited: RequestHandler;
}

/**
 * The verifier partners use without an account: paste a credential, upload its file or its baked
 * badge image, or POST it as JSON (the answer is then JSON). Verifying changes nothing, so it
 * needs no CSRF token (and partners get no session).
 */
export function verifyRouter(deps: VerifyRouterDeps): Router {
  const { certificates, verification, counter, limits } = deps;
  const manager = deps.dataSource.manager;
  const readInput = verifyInputReader(limits);
  const router = Router();

  router.get('/verify', (_req, res) => {
    res.render('certificates/verify', { ...formView(), maxKb: Math.round(limits.maxBytes / 1024) });
  });

  router.post('/verify', deps.limited, async (req, res) => {
    let input: VerifyInput = { text: '', pasted: '', json: req.is(['json', '+json']) !== false };
    try {
      input = await readInput(req, res);
      const credential = parseCredentialText(input.text, limits);
      const result = checksView(await verification.verify(manager, credential));
      const ours = await certificates.findByCredential(manager, credential);
      if (ours) counter.count(ours.id, 'paste');
      const supersededBy = ours?.supersededByCode ? certificates.urlOf(ours.supersededByCode) : null;
      // Not a well-formed credential, or written in a way we refuse: a client error, with the reasons.
      const status = result.checks[0]?.passed === false ? 422 : 200;
      if (input.json) {
        res
          .status(status)
          .json({ verified: result.verified && !supersededBy, supersededBy, checks: result.checks });
        return;
      }
      const claims = claimsOf(credential);
      res.status(status).render('certificates/verify', {
        ...formView({ credential: input.pasted }),
        pageTitle: result.verified && !supersededBy ? 'Credential verified' : 'Credential not verified',
        result: { ...result, claims, awarded: dateOnly(claims.awarded), supersededBy },
        maxKb: Math.round(limits.maxBytes / 1024),
      });
    } catch (error) {
      if (input.json) throw error;
      const refused = refusal(error);
      if (!refused) throw error;
      res.status(refused.status).render('certificates/verify', {
        ...formView({ credential: input.pasted.slice(0, 10_000) }, refused.errors),
        maxKb: Math.round(limits.maxBytes / 1024),
      });
    }
  });
  return router;
}

function formView(values: { credential?: string } = {}, errors: FieldErrors = {}) {
  return { pageTitle: 'Verify a credential', values, errors, result: null };
}

/** The errors the form shows next to its fields, with their status; undefined for any other error. */
function refusal(error: unknown): { status: number; errors: FieldErrors } | undefined {
  if (error instanceof ValidationFailed || error instanceof CredentialTooLarge) {
    return { status: error.status, errors: error.fieldErrors };
  }
  if (error instanceof CouldNotCheckInTime) return { status: 503, errors: { credential: error.message } };
  return undefined;
}
