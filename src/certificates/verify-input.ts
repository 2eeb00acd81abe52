import express, { type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { ValidationFailed } from '../web/errors';
import { imageKindOf, unbakePng, unbakeSvg, UnreadableImage } from './unbaking';
import { CredentialTooLarge, kilobytes, type VerifyLimits } from './verify-limits';

/** What a request to /verify sent: the credential's text, and what to show back in the form. */
export interface VerifyInput {
  /** The credential JSON as sent, pasted, uploaded, or taken out of a baked badge image. */
  text: string;
  /** The pasted text (shown again in the form). */
  pasted: string;
  /** The credential came as a JSON request body: answer in JSON. */
  json: boolean;
}

export const CREDENTIAL_TYPES = [
  'application/json',
  'application/ld+json',
  'application/vc+ld+json',
  'application/vc',
];

/** An uploaded image may hold artwork besides the credential: it may be this many times the credential cap. */
export const IMAGE_SIZE_FACTOR = 4;

/**
 * Reads the body of a request to /verify within the limits, by its content type: a form (pasted
 * text), multipart (pasted text or one file: JSON or a baked PNG/SVG badge), or a JSON body. Every
 * way in is held to the same credential size; anything malformed is a ValidationFailed (400) and
 * anything too large a CredentialTooLarge (413), each with a message a person can act on.
 */
export function verifyInputReader(
  limits: VerifyLimits,
): (req: Request, res: Response) => Promise<VerifyInput> {
  const cap = limits.maxBytes;
  const imageCap = cap * IMAGE_SIZE_FACTOR;
  const parsers: [string[], RequestHandler][] = [
    [
      ['multipart/form-data'],
      multer({
        storage: multer.memoryStorage(),
        limits: { fileSize: imageCap, files: 1, fields: 4, parts: 5, fieldSize: cap, fieldNameSize: 100 },
      }).single('file'),
    ],
    // Percent-encoding can triple the text's size; the text itself is held to the cap after decoding.
    [
      ['application/x-www-form-urlencoded'],
      express.urlencoded({ extended: false, limit: cap * 3 + 1024, parameterLimit: 4 }),
    ],
    [CREDENTIAL_TYPES, express.text({ type: CREDENTIAL_TYPES, limit: cap })],
  ];
  return async (req, res) => {
    const found = parsers.find(([types]) => req.is(types));
    if (found) await parseBody(found[1], req, res, cap);
    const json = found?.[0] === CREDENTIAL_TYPES;
    if (json) return { text: typeof req.body === 'string' ? req.body : '', pasted: '', json };
    const body = (req.body ?? {}) as { credential?: unknown };
    const pasted = typeof body.credential === 'string' ? body.credential : '';
    const text = req.file ? credentialInFile(req.file.buffer, cap) : pasted;
    return { text, pasted, json };
  };
}

/** Runs one body parser; whatever it refuses is the sender's mistake (400 or 413), never ours. */
async function parseBody(parser: RequestHandler, req: Request, res: Response, cap: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      void parser(req, res, (error?: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('unreadable body')) : resolve(),
      );
    });
  } catch (error) {
    const { code, type } = (error ?? {}) as { code?: unknown; type?: unknown };
    if (code === 'LIMIT_FILE_SIZE') {
      throw new CredentialTooLarge({
        credential: `The file is larger than ${kilobytes(cap * IMAGE_SIZE_FACTOR)}, the most we take. Upload the credential's .json file or its baked badge.`,
      });
    }
    if (code === 'LIMIT_FIELD_VALUE' || type === 'entity.too.large') {
      throw new CredentialTooLarge({
        credential: `This is larger than ${kilobytes(cap)}, the most we check. A credential is usually under 100 KB: paste only the credential.`,
      });
    }
    throw new ValidationFailed({
      credential:
        'What was sent could not be read: send one credential (pasted, or one file), and try again if the upload was cut short.',
    });
  }
}

/** The credential text in an uploaded file: a JSON file, or a baked badge image (PNG or SVG). */
function credentialInFile(bytes: Buffer, cap: number): string {
  const kind = imageKindOf(bytes);
  if (!kind) {
    if (bytes.length > cap) {
      throw new CredentialTooLarge({
        credential: `This file is larger than ${kilobytes(cap)}, the most we check for a credential file.`,
      });
    }
    const text = bytes.toString('utf8');
    if (text.trimStart().startsWith('{')) return text;
    throw new ValidationFailed({
      file: 'This file is neither a credential (.json) nor a baked badge image (PNG or SVG). Choose the file the holder shared.',
    });
  }
  let text: string | null;
  try {
    text = kind === 'png' ? unbakePng(bytes, cap) : unbakeSvg(bytes);
  } catch (error) {
    if (!(error instanceof UnreadableImage)) throw error;
    throw new ValidationFailed({
      file: `This image could not be read: ${error.message}. Choose the file again.`,
    });
  }
  if (text === null) {
    throw new ValidationFailed({
      file: `This ${kind.toUpperCase()} carries no credential. Upload the baked badge downloaded from the certificate page (it has the credential inside), or paste the credential JSON.`,
    });
  }
  if (/^ey[\w-]+\.[\w-]+\.[\w-]*$/.test(text)) {
    throw new ValidationFailed({
      file: 'This badge carries its credential as a JWT. We check credentials with an embedded proof (JSON); ask the issuer for that form.',
    });
  }
  return text;
}
