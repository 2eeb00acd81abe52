import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import { displayNameForm, emailChangeForm } from './accounts.schemas';
import type { AccountsService } from './accounts.service';
import type { ProfileService } from './profile.service';

interface ProfileRouterDeps {
  dataSource: DataSource;
  profiles: ProfileService;
  /** Its current-password checks share the account's limit with the password form. */
  accounts: Pick<AccountsService, 'limitPasswordChecks'>;
}

/** "Your account": name, address (confirmed by a link to the new one) and the links to the other settings. */
export function profileRouter({ dataSource, profiles, accounts }: ProfileRouterDeps): Router {
  const router = Router();
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const accountModel = (req: Request) => ({ pageTitle: 'Your account', person: req.user! });

  router.get('/account', requireSignedIn, (req, res) => {
    res.render('accounts/account', { ...accountModel(req), values: {}, errors: {} });
  });
  router.post(
    '/account/name',
    requireSignedIn,
    handleForm({
      view: 'accounts/account',
      schema: displayNameForm,
      model: accountModel,
      submit: async (req, res, input) => {
        await tx((m) => profiles.rename(m, req.user, input.displayName));
        flash(req, 'success', 'Your name was changed.');
        res.redirect(303, '/account');
      },
    }),
  );
  router.post(
    '/account/email',
    requireSignedIn,
    handleForm({
      view: 'accounts/account',
      schema: emailChangeForm,
      model: accountModel,
      submit: async (req, res, input) => {
        await accounts.limitPasswordChecks(req.user!, () =>
          tx((m) => profiles.requestEmailChange(m, req.user, input)),
        );
        flash(
          req,
          'success',
          `We sent a link to ${input.newEmail}. Your address changes when you open it (within 24 hours).`,
        );
        res.redirect(303, '/account');
      },
    }),
  );

  // The link's token is the proof, so it works on any device; a page with a button (not the GET
  // itself) makes the change, so mail scanners that open links change nothing.
  router.get('/account/email/:token', async (req, res) => {
    res.render('accounts/confirm-email', {
      pageTitle: 'Confirm your new address',
      newEmail: await profiles.pendingAddress(dataSource.manager, String(req.params.token)),
      token: req.params.token,
    });
  });
  router.post('/account/email/:token', async (req, res) => {
    const newEmail = await tx((m) => profiles.confirmEmailChange(m, String(req.params.token)));
    flash(req, 'success', `Your sign-in address is now ${newEmail}.`);
    res.redirect(303, req.user ? '/account' : '/login');
  });

  return router;
}
