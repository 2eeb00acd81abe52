import { Router, type Request } from 'express';
import type { PassportStatic } from 'passport';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { auditSignIn, auditSignInRefused } from '../audit/security-events';
import { withTransaction } from '../db/transaction';
import { addressKey } from '../web/address-key';
import { flash } from '../web/flash';
import { handleForm, showForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import type { AccountsService } from './accounts.service';
import {
  acceptInviteForm,
  changePasswordForm,
  forgotPasswordForm,
  newAccountForm,
  resetPasswordForm,
  safeLocalPath,
  signInForm,
} from './accounts.schemas';
import type { InvitesService } from './invites.service';
import { authenticateLocal } from './passport';
import { landingPathFor } from './setup-state';
import { endSession, startSession } from './sign-in';

interface AccountsRouterDeps {
  dataSource: DataSource;
  accounts: AccountsService;
  invites: InvitesService;
  passport: PassportStatic;
  logger: Logger;
}

function paramToken(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function accountsRouter({
  dataSource,
  accounts,
  invites,
  passport,
  logger,
}: AccountsRouterDeps): Router {
  const router = Router();
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    const notice =
      req.query.signedOut !== undefined
        ? 'You are signed out.'
        : req.query.passwordReset !== undefined
          ? 'Your password was changed and every device was signed out. Sign in with the new password.'
          : undefined;
    res.render('accounts/login', {
      notice,
      values: { next: safeLocalPath(req.query.next) },
      errors: {},
      pageTitle: 'Sign in',
    });
  });
  router.post(
    '/login',
    handleForm({
      view: 'accounts/login',
      schema: signInForm,
      model: () => ({ pageTitle: 'Sign in', notice: undefined }),
      submit: async (req, res, input) => {
        const user = await authenticateLocal(passport, req, res).catch(async (error: unknown) => {
          await auditSignInRefused(dataSource.manager, input.email, req.ip ?? '', error);
          throw error;
        });
        await startSession(req, user);
        await auditSignIn(dataSource.manager, user, req.ip ?? '');
        flash(req, 'success', `Welcome back, ${user.displayName}.`);
        res.redirect(303, safeLocalPath(input.next));
      },
    }),
  );

  router.post('/logout', async (req, res) => {
    await endSession(req);
    res.redirect(303, '/login?signedOut=1');
  });

  const setupModel = async (req: Request) => {
    const token = paramToken(req.query.token);
    return {
      token,
      tokenValid: await accounts.isSetupTokenValid(dataSource.manager, token),
      pageTitle: 'Set up Organizer Academy',
    };
  };
  router.get('/setup', showForm('accounts/setup', setupModel));
  router.post(
    '/setup',
    handleForm({
      view: 'accounts/setup',
      schema: newAccountForm,
      model: setupModel,
      submit: async (req, res, input) => {
        const admin = await tx((manager) =>
          accounts.completeSetup(manager, paramToken(req.query.token), input),
        );
        await startSession(req, admin);
        flash(req, 'success', 'Your admin account is ready. Next: add a chapter and invite your coaches.');
        res.redirect(303, '/admin/people');
      },
    }),
  );

  const inviteModel = async (req: Request) => {
    const invite = await invites.findUsable(dataSource.manager, paramToken(req.params.token));
    return {
      invite: { email: invite.email, role: invite.role, displayName: invite.displayName },
      pageTitle: 'Join Organizer Academy',
    };
  };
  router.get('/invites/:token', async (req, res) => {
    const model = await inviteModel(req);
    // A bulk import may suggest a name; the invitee can change it.
    const suggested = model.invite.displayName;
    res.render('accounts/accept-invite', {
      ...model,
      values: suggested ? { displayName: suggested } : {},
      errors: {},
    });
  });
  router.post(
    '/invites/:token',
    handleForm({
      view: 'accounts/accept-invite',
      schema: acceptInviteForm,
      model: inviteModel,
      submit: async (req, res, input) => {
        const user = await tx((manager) => invites.accept(manager, paramToken(req.params.token), input));
        await startSession(req, user);
        flash(req, 'success', `Welcome to Organizer Academy, ${user.displayName}.`);
        res.redirect(303, landingPathFor(user.role));
      },
    }),
  );

  const forgotModel = () => ({ pageTitle: 'Reset your password' });
  router.get('/password/forgot', showForm('accounts/forgot-password', forgotModel));
  router.post(
    '/password/forgot',
    handleForm({
      view: 'accounts/forgot-password',
      schema: forgotPasswordForm,
      model: forgotModel,
      submit: async (req, res, input) => {
        await accounts.countResetRequest(addressKey(req.ip));
        // The answer goes out first, the same for every address; the lookup and email come after,
        // so neither the answer nor its timing tells whether an account exists.
        res.once('close', () => {
          const work = async () => {
            if (await accounts.takeResetEmail(input.email))
              await tx((manager) => accounts.requestPasswordReset(manager, input.email));
          };
          work().catch((error: unknown) => logger.error({ err: error }, 'password reset request failed'));
        });
        res.render('accounts/forgot-password-sent', { pageTitle: 'Check your email' });
      },
    }),
  );

  const resetModel = async (req: Request) => {
    await accounts.assertResetTokenUsable(dataSource.manager, paramToken(req.params.token));
    return { pageTitle: 'Choose a new password' };
  };
  router.get('/password/reset/:token', showForm('accounts/reset-password', resetModel));
  router.post(
    '/password/reset/:token',
    handleForm({
      view: 'accounts/reset-password',
      schema: resetPasswordForm,
      model: resetModel,
      submit: async (req, res, input) => {
        await tx((manager) => accounts.resetPassword(manager, paramToken(req.params.token), input.password));
        if (req.user) await endSession(req);
        res.redirect(303, '/login?passwordReset=1');
      },
    }),
  );

  router.post('/account/sign-out-elsewhere', requireSignedIn, async (req, res) => {
    await tx((manager) => accounts.signOutOtherDevices(manager, req.user!, req.sessionID));
    flash(req, 'success', 'You were signed out on every other device.');
    res.redirect(303, '/account');
  });
  const changeModel = () => ({ pageTitle: 'Change your password' });
  router.get('/account/password', requireSignedIn, showForm('accounts/change-password', changeModel));
  router.post(
    '/account/password',
    requireSignedIn,
    handleForm({
      view: 'accounts/change-password',
      schema: changePasswordForm,
      model: changeModel,
      submit: async (req, res, input) => {
        await accounts.limitPasswordChecks(req.user!, () =>
          tx((manager) => accounts.changePassword(manager, req.user!, input, req.sessionID)),
        );
        flash(req, 'success', 'Your password was changed. Other devices were signed out.');
        res.redirect(303, '/account');
      },
    }),
  );

  return router;
}
