import { z } from 'zod';
import { ROLES } from '../accounts/roles';
import { AA_NORMAL_TEXT, contrastRatio } from '../certificates/badges/contrast';

/** "is required" when the key is missing, "must be text" when it holds something else. */
const textError = (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : 'must be text');

const id = z
  .string({ error: textError })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens, like people-first');
const text = (max: number) =>
  z
    .string({ error: textError })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

export const MILESTONE_KINDS = ['coach', 'workshop'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

export const milestoneSchema = z.strictObject({
  id,
  title: text(120),
  description: text(1000),
  evidencePrompt: text(1000),
  kind: z.enum(MILESTONE_KINDS, { error: 'must be coach or workshop' }),
  /** A workshop milestone's facilitator kit, relative to the curriculum folder (kits/<milestone-id>.md). */
  kit: z
    .string({ error: textError })
    .regex(/^kits\/[a-z0-9]+(-[a-z0-9]+)*\.md$/, 'must be a path like kits/<milestone-id>.md')
    .optional(),
  /** Ids of earlier milestones this one stands for: their completions count as completing this one. */
  replaces: z.array(id).default([]),
  /** Makes this milestone an alternative to another in the same module: completing either satisfies it. */
  alternativeTo: id.optional(),
});

export const moduleFrontMatter = z.strictObject({
  id,
  title: text(120),
  summary: text(400),
  estimatedMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number')
    .min(1)
    .max(600),
  prerequisites: z.array(id).default([]),
  milestones: z.array(milestoneSchema).min(1, 'a module needs at least one milestone'),
});

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #163a78');

/** The badge artwork's colours; its text must be readable on its background (WCAG AA, 4.5:1). */
const badgeColours = z
  .strictObject({ background: colour, text: colour, accent: colour })
  .refine((badge) => contrastRatio(badge.text, badge.background) >= AA_NORMAL_TEXT, {
    message: 'text and background need a contrast of at least 4.5:1 (WCAG AA)',
    path: ['text'],
  });

/** Badge colours of a track whose front matter names none (the academy's blue, white, gold). */
export const DEFAULT_BADGE_COLOURS = { background: '#163a78', text: '#ffffff', accent: '#ffbf47' } as const;

export const trackFrontMatter = z.strictObject({
  id,
  title: text(120),
  summary: text(400),
  certificateName: text(120),
  criteria: text(2000),
  validityMonths: z.number().int().min(1).max(240).optional(),
  /** Whose track it is (on "Your progress"): anyone with one of the roles or in one of the cohorts. Unset: everyone's. */
  openTo: z
    .strictObject({
      roles: z.array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` })).default([]),
      cohorts: z.array(text(120)).default([]),
    })
    .refine((open) => open.roles.length + open.cohorts.length > 0, 'must name at least one role or cohort')
    .optional(),
  badge: badgeColours.optional(),
  /** Track ids whose certificate a person must hold (current) before this track's is issued. */
  requires: z.array(id).default([]),
  /** A realistic time to earn the certificate, shown on the track page ("six to ten weeks alongside ..."). */
  timeExpectation: text(300).optional(),
  modules: z.array(id).min(1, 'a track needs at least one module'),
});

export type ModuleFrontMatter = z.infer<typeof moduleFrontMatter>;
export type TrackFrontMatter = z.infer<typeof trackFrontMatter>;
export type Milestone = z.infer<typeof milestoneSchema>;
