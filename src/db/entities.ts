import { Chapter } from '../accounts/chapter.entity';
import { PersonProgress, TrackProgress } from '../admin/progress-summary.entities';
import { FunnelCount, SignInDay, StalledCandidate, StalledTrack } from '../admin/report-people.entities';
import { AwardCount, LearnerCount, LearnerPeriod } from '../admin/learner-periods.entities';
import { ReportCount, ReportReview, ReportTurnaround } from '../admin/report-aggregate.entities';
import { Cohort } from '../accounts/cohort.entity';
import { Invite } from '../accounts/invite.entity';
import { PasswordReset, SetupToken } from '../accounts/one-time-token.entities';
import { User } from '../accounts/user.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import {
  CoachAssignment,
  CoachLoad,
  CoachRequest,
  CoachSession,
  EvidenceSubmission,
  SubmissionReview,
} from '../coaching/coaching.entities';
import { EvidenceWaitingForAdmin } from '../coaching/waiting-for-admin.entity';
import {
  CompletionHomesState,
  CurriculumIndexState,
  CurriculumSearchEntry,
  MilestoneCompletion,
  ModuleRead,
} from '../curriculum/progress.entities';
import {
  Certificate,
  CertificateVerification,
  IssuerKey,
  StatusList,
} from '../certificates/certificate.entities';
import { OutboxMessage } from '../mail/outbox-message.entity';
import { Notification, NotificationPreference } from '../notifications/notification.entities';
import { EmailChange } from '../accounts/email-change.entity';
import { EvidenceAttachment } from '../coaching/attachment.entity';
import {
  CalendarFeed,
  Workshop,
  WorkshopAttendance,
  WorkshopFacilitator,
  WorkshopRegistration,
} from '../workshops/workshop.entities';
import { Circle, CircleMember } from '../circles/circle.entities';
import { CirclePost, CircleReply, PostMeToo, ReplyHelped } from '../circles/post.entities';
import { CircleReport, CircleRevision, ConductAcceptance } from '../circles/safety.entities';
import { CircleMention } from '../circles/talk.entities';
import { AskEscalation, CircleDigestState } from '../circles/care.entities';
import { Introduction, JoinRequest, PartnerRequest, PartnerRequestTransition } from '../doors/door.entities';
import { Gathering, GatheringAttendance, GatheringRsvp } from '../gatherings/gathering.entities';
import { ChapterPage } from '../directory/chapter-page.entity';
import { StoryPublication } from '../directory/story-publication.entity';
import { Project, ProjectImpact, ProjectVolunteer } from '../projects/project.entities';
import { ProjectRole, RoleInterest } from '../projects/opportunity.entities';
import { TalentListing } from '../projects/talent.entities';

/** Every entity the DataSource knows; a feature adds its entities here. */
export const entities = [
  Chapter,
  Cohort,
  User,
  Invite,
  PasswordReset,
  SetupToken,
  AuditEvent,
  OutboxMessage,
  ModuleRead,
  MilestoneCompletion,
  CurriculumSearchEntry,
  CurriculumIndexState,
  CompletionHomesState,
  CoachAssignment,
  CoachLoad,
  EvidenceWaitingForAdmin,
  CoachRequest,
  EvidenceSubmission,
  SubmissionReview,
  CoachSession,
  Workshop,
  WorkshopFacilitator,
  WorkshopRegistration,
  WorkshopAttendance,
  CalendarFeed,
  IssuerKey,
  StatusList,
  Certificate,
  CertificateVerification,
  Notification,
  NotificationPreference,
  EmailChange,
  EvidenceAttachment,
  PersonProgress,
  TrackProgress,
  ReportCount,
  ReportReview,
  StalledTrack,
  StalledCandidate,
  FunnelCount,
  SignInDay,
  LearnerPeriod,
  LearnerCount,
  AwardCount,
  ReportTurnaround,
  Circle,
  CircleMember,
  CirclePost,
  CircleReply,
  ReplyHelped,
  PostMeToo,
  ConductAcceptance,
  CircleReport,
  CircleRevision,
  CircleMention,
  AskEscalation,
  CircleDigestState,
  JoinRequest,
  PartnerRequest,
  PartnerRequestTransition,
  Introduction,
  Gathering,
  GatheringRsvp,
  GatheringAttendance,
  ChapterPage,
  StoryPublication,
  Project,
  ProjectVolunteer,
  ProjectImpact,
  ProjectRole,
  RoleInterest,
  TalentListing,
];
