import { z } from 'zod';
import { fields } from '../web/fields';

export const signInForm = z.object({
  email: fields.email(),
  password: fields.password(),
  next: z.string().optional(),
});

export const newAccountForm = z.object({
  email: fields.email(),
  displayName: fields.text('Your name', { max: 100 }),
  password: fields.password(),
});

export const acceptInviteForm = z.object({
  displayName: fields.text('Your name', { max: 100 }),
  password: fields.password(),
});

export const forgotPasswordForm = z.object({ email: fields.email() });

export const resetPasswordForm = z.object({ password: fields.password('New password') });

export const changePasswordForm = z.object({
  currentPassword: fields.password('Your current password'),
  newPassword: fields.password('A new password'),
});

/** Only local paths are allowed after sign-in, so a crafted link cannot bounce people elsewhere. */
export function safeLocalPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\'))
    return '/';
  return /[\r\n]/.test(next) ? '/' : next;
}

export const displayNameForm = z.object({ displayName: fields.text('Your name', { max: 100 }) });

export const emailChangeForm = z.object({
  newEmail: fields.email(),
  currentPassword: fields.password('Your current password'),
});

/** Admins correcting a person's name and address. */
export const identityForm = z.object({
  displayName: fields.text('Name', { max: 100 }),
  email: fields.email(),
});
