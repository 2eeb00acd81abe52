/** What an audit row knows, with the names of what it is about (see audit-log.service.ts). */
export interface AuditFacts {
  action: string;
  actor: string | null;
  subject: string | null;
  /** The raw subject id: an email typed at a failed sign-in, a refused request's method and path. */
  subject_id?: string;
  details: Record<string, unknown>;
  workshop_title: string | null;
  milestone_id: string | null;
  submission_owner: string | null;
  certificate_track: string | null;
  certificate_holder: string | null;
}

export interface AuditTitles {
  milestone(id: string): string;
  track(id: string): string;
}

const possessive = (name: string) => (name.endsWith('s') ? `${name}’` : `${name}’s`);
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

type Sentence = (f: AuditFacts, who: string, t: AuditTitles) => string;

const from = (f: AuditFacts) => (text(f.details.ip) ? ` from ${text(f.details.ip)}` : '');

const SENTENCES: Record<string, Sentence> = {
  'security.sign_in': (f, who) => `${who} signed in${from(f)}`,
  'security.sign_in_failed': (f) => `A sign-in as ${f.subject_id ?? 'someone'} failed${from(f)}`,
  'security.locked_out': (f) =>
    `Sign-in as ${f.subject_id ?? 'someone'} was refused: too many attempts${from(f)}`,
  'security.refused': (f, who) => `${who} was refused ${f.subject_id ?? 'a request'}${from(f)}`,
  'coaching.submitted': (f, who, t) => `${who} submitted evidence for '${t.milestone(f.milestone_id ?? '')}'`,
  'coaching.submission_edited': (f, who, t) =>
    `${who} edited the evidence for '${t.milestone(f.milestone_id ?? '')}'`,
  'coaching.approved': (f, who, t) =>
    `${who} approved ${possessive(f.submission_owner ?? 'someone')} evidence for '${t.milestone(f.milestone_id ?? '')}'`,
  'coaching.changes_requested': (f, who, t) =>
    `${who} asked ${f.submission_owner ?? 'someone'} for changes to the evidence for '${t.milestone(f.milestone_id ?? '')}'`,
  'coaching.approval_withdrawn': (f, who, t) =>
    `${who} withdrew the approval of ${possessive(f.submission_owner ?? 'someone')} evidence for '${t.milestone(f.milestone_id ?? '')}'`,
  'coaching.assigned': (f, who) => `${who} assigned a coach to ${f.subject ?? 'someone'}`,
  'coaching.reassigned': (f, who) => `${who} gave ${f.subject ?? 'someone'} a new coach`,
  'coaching.requested': (_f, who) => `${who} asked for a coach`,
  'coaching.session_logged': (f, who) => `${who} logged a coaching session with ${f.subject ?? 'someone'}`,
  'workshop.created': (f, who) => `${who} scheduled the workshop '${f.workshop_title}'`,
  'workshop.updated': (f, who) => `${who} changed the workshop '${f.workshop_title}'`,
  'workshop.cancelled': (f, who) => `${who} cancelled the workshop '${f.workshop_title}'`,
  'workshop.reinstated': (f, who) => `${who} reinstated the workshop '${f.workshop_title}'`,
  'workshop.registered': (f, who) => `${who} registered for the workshop '${f.workshop_title}'`,
  'workshop.waitlisted': (f, who) => `${who} joined the waitlist of the workshop '${f.workshop_title}'`,
  'workshop.unregistered': (f, who) =>
    `${who} cancelled their registration for the workshop '${f.workshop_title}'`,
  'workshop.checked_in': (f, who) => `${who} checked in at the workshop '${f.workshop_title}'`,
  'workshop.attendance': (f, who) => `${who} recorded attendance at the workshop '${f.workshop_title}'`,
  'workshop.facilitator_added': (f, who) =>
    `${who} added a facilitator to the workshop '${f.workshop_title}'`,
  'workshop.facilitator_removed': (f, who) =>
    `${who} removed a facilitator from the workshop '${f.workshop_title}'`,
  'certificate.issued': (f, _who, t) =>
    `${f.certificate_holder ?? 'Someone'} earned the certificate for '${t.track(f.certificate_track ?? '')}'`,
  'certificate.reissued': (f, who, t) =>
    `${who} re-issued ${possessive(f.certificate_holder ?? 'someone')} certificate for '${t.track(f.certificate_track ?? '')}'`,
  'certificate.revoked': (f, who, t) =>
    `${who} revoked ${possessive(f.certificate_holder ?? 'someone')} certificate for '${t.track(f.certificate_track ?? '')}'`,
  'certificate.hidden': (f, who, t) =>
    `${who} hid the public page of the certificate for '${t.track(f.certificate_track ?? '')}'`,
  'certificate.shown': (f, who, t) =>
    `${who} made the certificate for '${t.track(f.certificate_track ?? '')}' public again`,
  'certificate.rechecked': (f, who) => `${who} re-checked ${possessive(f.subject ?? 'someone')} certificates`,
  'user.updated': (f, who) => `${who} changed ${possessive(f.subject ?? 'someone')} role, chapter or cohort`,
  'user.deactivated': (f, who) => `${who} deactivated ${f.subject ?? 'someone'}`,
  'user.reactivated': (f, who) => `${who} reactivated ${f.subject ?? 'someone'}`,
  'user.renamed': (_f, who) => `${who} changed their name`,
  'user.corrected': (f, who) => `${who} corrected ${possessive(f.subject ?? 'someone')} name or email`,
  'user.email_change_requested': (_f, who) => `${who} asked to change their email address`,
  'user.email_changed': (_f, who) => `${who} confirmed a new email address`,
  'invite.created': (f, who) =>
    `${who} invited ${text(f.details.email) || 'someone'} as ${article(text(f.details.role) || 'member')}`,
  'invite.resent': (_f, who) => `${who} sent an invite again`,
  'invite.revoked': (_f, who) => `${who} revoked an invite`,
  'invite.accepted': (_f, who) => `${who} accepted their invite and joined`,
  'import.invites': (_f, who) => `${who} invited people from a CSV file`,
  'account.setup_admin': (_f, who) => `${who} set up the academy as its first admin`,
  'account.password_changed': (_f, who) => `${who} changed their password`,
  'account.password_reset': (_f, who) => `${who} reset their password`,
  'chapter.created': (_f, who) => `${who} added a chapter`,
  'chapter.updated': (_f, who) => `${who} changed a chapter`,
  'cohort.created': (_f, who) => `${who} added a cohort`,
  'project.created': (f, who) => `${who} recorded the project '${text(f.details.name)}'`,
  'project.updated': (f, who) =>
    `${who} changed a project (${Array.isArray(f.details.changed) ? f.details.changed.map(text).join(', ') : 'details'})`,
  'project.impact_recorded': (f, who) =>
    `${who} recorded that a project helped ${typeof f.details.peopleHelped === 'number' ? f.details.peopleHelped : '?'} ${text(f.details.unit)}`,
  'project.volunteer_added': (_f, who) => `${who} added someone to a project`,
  'project.volunteer_removed': (_f, who) => `${who} took someone off a project`,
  'project.role_added': (f, who) => `${who} listed the role '${text(f.details.title)}' on a project`,
  'project.role_closed': (f, who) => `${who} closed the role '${text(f.details.title)}'`,
  'project.role_opened': (f, who) => `${who} reopened the role '${text(f.details.title)}'`,
  'talent.listed': (_f, who) => `${who} joined the public talent listing`,
  'talent.listing_updated': (_f, who) => `${who} changed their talent listing`,
  'talent.unlisted': (_f, who) => `${who} left the public talent listing`,
};

/** An audit row in words: "Carla Coach approved Oscar Organizer’s evidence for 'Run your first listening tour'". */
export function describeAuditEvent(facts: AuditFacts, titles: AuditTitles): string {
  const who = facts.actor ?? 'The system';
  const sentence = SENTENCES[facts.action];
  const reason = text(facts.details.reason);
  const base = sentence ? sentence(facts, who, titles) : `${who}: ${facts.action.replace(/[._]/g, ' ')}`;
  return reason ? `${base} (reason: ${reason})` : base;
}
