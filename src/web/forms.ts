import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { Conflict, TooManyRequests, ValidationFailed, type FieldErrors } from './errors';
import { flash } from './flash';

/** Fields never echoed back into a re-rendered form. */
const SECRET_FIELDS = /password|token|_csrf/i;

/** Validates a form body; throws ValidationFailed with one message per field. Unknown fields are dropped. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    fieldErrors[field] ??= issue.message;
  }
  throw new ValidationFailed(fieldErrors);
}

function typedValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (!SECRET_FIELDS.test(key) && typeof value === 'string') values[key] = value;
  }
  return values;
}

type ViewModel = (req: Request) => Promise<Record<string, unknown>> | Record<string, unknown>;

interface FormOptions<S extends z.ZodType> {
  view: string;
  schema: S;
  /** Data the page needs besides the form values (e.g. the chapter list), shared with the GET route. */
  model?: ViewModel;
  submit: (req: Request, res: Response, input: z.infer<S>) => Promise<void>;
}

type Refusal = ValidationFailed | Conflict | TooManyRequests;

/**
 * Rethrows anything but a refusal a person can act on (invalid input, a conflict, too many tries);
 * for too many tries, tells the client when to try again.
 */
function refusedOrRethrow(error: unknown, res: Response): asserts error is Refusal {
  if (!(error instanceof ValidationFailed || error instanceof Conflict || error instanceof TooManyRequests))
    throw error;
  if (error instanceof TooManyRequests) res.set('Retry-After', String(error.retryAfterSeconds));
}

/** GET handler rendering `view` with its model and empty form state. */
export function showForm(view: string, model?: ViewModel): RequestHandler {
  return async (req, res) => {
    res.render(view, { ...(await model?.(req)), values: {}, errors: {} });
  };
}

/**
 * POST handler: validate, submit, and when the input or the service says no, render the same form
 * again with field messages, the values typed (never passwords) and a 4xx status.
 */
export function handleForm<S extends z.ZodType>({
  view,
  schema,
  model,
  submit,
}: FormOptions<S>): RequestHandler {
  return async (req, res) => {
    try {
      await submit(req, res, parseForm(schema, req.body));
    } catch (error) {
      refusedOrRethrow(error, res);
      const fieldErrors = error instanceof TooManyRequests ? {} : error.fieldErrors;
      res.status(error.status).render(view, {
        ...(await model?.(req)),
        values: typedValues(req.body),
        errors: { ...fieldErrors, form: Object.keys(fieldErrors).length ? undefined : error.message },
      });
    }
  };
}

/**
 * POST handler for a small form that lives on another page, post/redirect/get both ways: validate
 * and submit (which returns the success message), or flash the first field message or the refusal's
 * message instead; then back to `back(req)`, so the address bar never shows the POST's URL.
 */
export function handleFormOnPage<S extends z.ZodType>({
  schema,
  submit,
  back,
}: {
  schema: S;
  submit: (req: Request, input: z.infer<S>) => Promise<string>;
  back: (req: Request) => string;
}): RequestHandler {
  return async (req, res) => {
    try {
      flash(req, 'success', await submit(req, parseForm(schema, req.body)));
    } catch (error) {
      refusedOrRethrow(error, res);
      const fieldErrors = error instanceof ValidationFailed ? Object.values(error.fieldErrors) : [];
      flash(req, 'error', fieldErrors[0] ?? error.message);
    }
    res.redirect(303, back(req));
  };
}
