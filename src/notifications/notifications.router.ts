import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import { DELIVERIES, DELIVERY_LABELS, KIND_LABELS, NOTIFICATION_KINDS } from './kinds';
import { notificationId, preferencesForm } from './notifications.schemas';
import type { NotificationsService } from './notifications.service';
import { formatCount } from '../web/format';

export interface NotificationsRouterDeps {
  dataSource: DataSource;
  notifications: NotificationsService;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** The notification centre, each person's delivery choices, and one-click digest unsubscribes. */
export function notificationsRouter({ dataSource, notifications }: NotificationsRouterDeps): Router {
  const router = Router();
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const idOf = (req: Request) => {
    const parsed = notificationId.safeParse(req.params.id);
    if (!parsed.success) throw new NotFound('That notification does not exist.');
    return parsed.data;
  };

  router.get('/notifications', requireSignedIn, async (req, res) => {
    const before =
      typeof req.query.before === 'string' ? notificationId.safeParse(req.query.before) : undefined;
    const page = await notifications.list(
      dataSource.manager,
      req.user,
      before?.success ? before.data : undefined,
    );
    res.render('notifications/list', {
      pageTitle: 'Notifications',
      items: page.items.map((n) => ({
        id: n.id,
        title: n.title,
        body: n.body,
        link: n.link,
        unread: !n.readAt,
        when: `${dateFormat.format(n.createdAt)} UTC`,
      })),
      olderThan: page.olderThan,
      anyUnread: page.items.some((n) => !n.readAt),
    });
  });

  router.post('/notifications/read-all', requireSignedIn, async (req, res) => {
    const count = await tx((m) => notifications.markAllRead(m, req.user));
    flash(
      req,
      'success',
      count === 1 ? '1 notification marked read.' : `${formatCount(count)} notifications marked read.`,
    );
    res.redirect(303, '/notifications');
  });

  router.post('/notifications/:id/read', requireSignedIn, async (req, res) => {
    await tx((m) => notifications.markRead(m, req.user, idOf(req)));
    res.redirect(303, '/notifications');
  });

  const preferencesModel = async (req: Request) => ({
    pageTitle: 'How you are notified',
    kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind] })),
    options: DELIVERIES.map((value) => ({ value, label: DELIVERY_LABELS[value] })),
    current: await notifications.preferences(dataSource.manager, req.user),
  });
  router.get('/account/notifications', requireSignedIn, async (req, res) => {
    res.render('notifications/preferences', { ...(await preferencesModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/account/notifications',
    requireSignedIn,
    handleForm({
      view: 'notifications/preferences',
      schema: preferencesForm,
      model: preferencesModel,
      submit: async (req, res, input) => {
        await tx((m) => notifications.setPreferences(m, req.user, input));
        flash(req, 'success', 'Your choices were saved.');
        res.redirect(303, '/account/notifications');
      },
    }),
  );

  // The token in the link is the proof: digest readers need not sign in (RFC 8058 one-click).
  router.get('/notifications/unsubscribe/:token', (req, res) => {
    notifications.personOfToken(String(req.params.token));
    res.render('notifications/unsubscribe', { pageTitle: 'Stop digest emails', token: req.params.token });
  });
  router.post('/notifications/unsubscribe/:token', async (req, res) => {
    await tx((m) => notifications.unsubscribeFromDigest(m, String(req.params.token)));
    res.render('notifications/unsubscribed', { pageTitle: 'Digest emails stopped' });
  });

  return router;
}
