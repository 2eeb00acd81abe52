/**
 * What people are told about, grouped so each person can choose how each kind reaches them. Other
 * features add a kind here when they start calling `notify` (see notifications.service.ts).
 */
export const NOTIFICATION_KINDS = [
  'coaching',
  'evidence',
  'feedback',
  'workshops',
  'certificates',
  'circles',
  'circle_asks',
  'circle_digest',
  'gatherings',
  'stories',
  'requests',
  'introductions',
  'projects',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  coaching: 'Coach assignments',
  evidence: 'Evidence waiting for your review',
  feedback: 'Feedback on your evidence',
  workshops: 'Workshop changes and seats',
  certificates: 'Certificates you earn',
  circles: 'Replies and mentions in your circles',
  circle_asks: 'Asks in your circles still waiting for help',
  circle_digest: 'New stories and open asks in your circles',
  gatherings: 'Gatherings in your circles',
  stories: 'Stories asking to be published, and yours once published',
  requests: 'Join and partner requests for your chapter',
  introductions: 'Introductions to partners',
  projects: 'Projects you lead or joined',
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
