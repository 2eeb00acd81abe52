import { z } from 'zod';
import { DELIVERIES, NOTIFICATION_KINDS, type NotificationKind } from './kinds';

const delivery = z.enum(DELIVERIES, { error: 'Choose one of the listed ways.' });

/** One select per kind, named after the kind. */
export const preferencesForm = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, delivery])) as Record<
    NotificationKind,
    typeof delivery
  >,
);

export const notificationId = z.uuid({ error: 'That notification does not exist.' });
