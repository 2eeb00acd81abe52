/**
 * What people are told about, grouped so each person can choose how each kind reaches them. Other
 * features add a kind here when they start calling `notify` (see notifications.service.ts).
 */
export const NOTIFICATION_KINDS = ['coaching', 'evidence', 'feedback', 'workshops', 'certificates'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  coaching: 'Coach assignments',
  evidence: 'Evidence waiting for your review',
  feedback: 'Feedback on your evidence',
  workshops: 'Workshop changes and seats',
  certificates: 'Certificates you earn',
};

/** In the app only; in the app and by email at once; in the app and in a weekly email. */
export const DELIVERIES = ['app', 'email', 'digest'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export const DELIVERY_LABELS: Readonly<Record<Delivery, string>> = {
  app: 'In the app only',
  email: 'In the app and by email',
  digest: 'In the app and in a weekly digest email',
};

/** What nobody chose yet: the email everyone got before the app kept notifications. */
export const DEFAULT_DELIVERY: Delivery = 'email';

export const kindsSql = NOTIFICATION_KINDS.map((kind) => `'${kind}'`).join(', ');
export const deliveriesSql = DELIVERIES.map((delivery) => `'${delivery}'`).join(', ');
