import type { Random } from './random';

const FIRST = [
  'Amara',
  'Ben',
  'Carmen',
  'Dev',
  'Elena',
  'Farah',
  'Gabriel',
  'Hana',
  'Isaac',
  'Jun',
  'Keisha',
  'Luis',
  'Maya',
  'Nikhil',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Samir',
  'Tanya',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aisha',
  'Bruno',
  'Chloe',
  'Dmitri',
  'Esther',
  'Felix',
  'Grace',
  'Hector',
  'Ines',
  'Jamal',
  'Kai',
  'Leila',
  'Marco',
  'Nadia',
  'Omar',
  'Priya',
  'Rafael',
  'Sofia',
  'Tomas',
  'Valentina',
  'Wei',
  'Yara',
];
const LAST = [
  'Abara',
  'Brennan',
  'Castillo',
  'Desai',
  'Eriksen',
  'Fofana',
  'Garcia',
  'Haddad',
  'Ibrahim',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Mensah',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quispe',
  'Rahman',
  'Santos',
  'Tanaka',
  'Usman',
  'Varga',
  'Walsh',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Alvarez',
  'Bauer',
  'Chen',
  'Dubois',
  'Estrada',
  'Fischer',
  'Gupta',
  'Hoang',
  'Ivanova',
  'Jones',
  'Kim',
  'Lopez',
  'Moreau',
  'Nguyen',
  'Osei',
  'Park',
];

export const CITIES: readonly { city: string; region: string; timeZone: string }[] = [
  { city: 'Boston', region: 'Boston, MA', timeZone: 'America/New_York' },
  { city: 'Oakland', region: 'Oakland, CA', timeZone: 'America/Los_Angeles' },
  { city: 'Chicago', region: 'Chicago, IL', timeZone: 'America/Chicago' },
  { city: 'Denver', region: 'Denver, CO', timeZone: 'America/Denver' },
  { city: 'Atlanta', region: 'Atlanta, GA', timeZone: 'America/New_York' },
  { city: 'Seattle', region: 'Seattle, WA', timeZone: 'America/Los_Angeles' },
  { city: 'Austin', region: 'Austin, TX', timeZone: 'America/Chicago' },
  { city: 'Philadelphia', region: 'Philadelphia, PA', timeZone: 'America/New_York' },
  { city: 'Detroit', region: 'Detroit, MI', timeZone: 'America/Detroit' },
  { city: 'Phoenix', region: 'Phoenix, AZ', timeZone: 'America/Phoenix' },
  { city: 'Toronto', region: 'Toronto, ON', timeZone: 'America/Toronto' },
  { city: 'Miami', region: 'Miami, FL', timeZone: 'America/New_York' },
  { city: 'Minneapolis', region: 'Minneapolis, MN', timeZone: 'America/Chicago' },
  { city: 'Portland', region: 'Portland, OR', timeZone: 'America/Los_Angeles' },
  { city: 'Baltimore', region: 'Baltimore, MD', timeZone: 'America/New_York' },
  { city: 'San Antonio', region: 'San Antonio, TX', timeZone: 'America/Chicago' },
  { city: 'Pittsburgh', region: 'Pittsburgh, PA', timeZone: 'America/New_York' },
  { city: 'Salt Lake City', region: 'Salt Lake City, UT', timeZone: 'America/Denver' },
  { city: 'Honolulu', region: 'Honolulu, HI', timeZone: 'Pacific/Honolulu' },
  { city: 'Anchorage', region: 'Anchorage, AK', timeZone: 'America/Anchorage' },
];

export function personName(random: Random): string {
  return `${random.pick(FIRST)} ${random.pick(LAST)}`;
}

const EVIDENCE_OPENINGS = [
  'I ran this with our chapter over the last two weeks.',
  'Here is what we did and what I learned.',
  'We tried this at our Tuesday hack night.',
  'This took longer than planned, but it worked out.',
  'I paired with a newer member on this one.',
];
const EVIDENCE_BODIES = [
  'Eleven people came; four were new. We used the sign-in sheet to follow up within two days, and three of them came back the next week.',
  'The partner agreed to a three-month pilot with a named contact on their side and a monthly check-in. The draft is linked below.',
  'I wrote down who does what, and two people volunteered to take over the newsletter and the meeting notes.',
  'We interviewed six residents. The main surprise was that nobody used the online form; everyone called the office instead.',
  'The retro surfaced two problems: meetings ran long, and the issue tracker was stale. We agreed on a 60-minute cap and a monthly triage.',
  'Our budget for the year is about $2,400, mostly food and room rental. The sponsor pays for food; the library gives us the room for free.',
];
const FEEDBACK_CHANGES = [
  'Good start. Can you add what you would do differently next time, and one piece of evidence from a participant?',
  'Please link the actual document (or a redacted copy) so I can see the result, not only the description.',
  'This describes the plan; the milestone asks for what happened when you tried it. Run it once and tell me how it went.',
];
const FEEDBACK_APPROVED = [
  'Great work; the follow-up list is exactly what this milestone is about.',
  'Clear and honest. Signed off.',
  'Nicely done; share this with the other organizers at the next chapter call.',
  '',
];

export function evidenceText(random: Random): string {
  return `${random.pick(EVIDENCE_OPENINGS)}\n\n${random.pick(EVIDENCE_BODIES)}\n\n${random.pick(EVIDENCE_BODIES)}`;
}

export function feedbackText(random: Random, decision: 'approved' | 'changes_requested'): string {
  return random.pick(decision === 'approved' ? FEEDBACK_APPROVED : FEEDBACK_CHANGES);
}

export const WORKSHOP_LOCATIONS = [
  'Public library, community room B',
  'City Hall annex, room 204',
  'Makerspace on 5th Street',
  'Community college, building C',
  'Neighbourhood house, main hall',
];
