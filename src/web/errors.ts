/** Field name → message, shown next to the field when a form is re-rendered. */
export type FieldErrors = Record<string, string>;

/** The app's error vocabulary. Services throw these; only the error handler turns them into responses. */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
}

export class ValidationFailed extends AppError {
  readonly status = 400;
  readonly title = 'Please check what you entered';
  constructor(
    readonly fieldErrors: FieldErrors,
    message = Object.values(fieldErrors)[0] ?? 'Some of what you entered could not be used.',
  ) {
    super(message);
  }
}

export class NotSignedIn extends AppError {
  readonly status = 401;
  readonly title = 'Please sign in';
  constructor(message = 'You need to sign in to see this page.') {
    super(message);
  }
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly title = 'Not allowed';
  constructor(message = 'Your account is not allowed to do this.') {
    super(message);
  }
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(message = 'We could not find that page.') {
    super(message);
  }
}

export class Conflict extends AppError {
  readonly status = 409;
  readonly title = 'That clashes with something already saved';
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
  }
}

export class Gone extends AppError {
  readonly status = 410;
  readonly title = 'This link no longer works';
}

export class TooManyRequests extends AppError {
  readonly status = 429;
  readonly title = 'Too many attempts';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class ServiceUnavailable extends AppError {
  readonly status = 503;
  readonly title = 'Temporarily unavailable';
  constructor(message = 'The service cannot reach its database right now. Please try again in a minute.') {
    super(message);
  }
}

/**
 * The person closed the connection before the work began, so it was not done and nobody awaits an
 * answer. Not an AppError: there is no status to send.
 */
export class RequestAbandoned extends Error {
  constructor() {
    super('the client closed the connection before the work began');
  }
}

/** Normalises anything thrown or passed to a callback into an Error. */
export function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : 'unknown error');
}
