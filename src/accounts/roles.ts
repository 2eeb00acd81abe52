export const ROLES = ['organizer', 'coach', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** SQL list for CHECK constraints, kept next to the TypeScript list so they cannot drift. */
export const ROLES_SQL = ROLES.map((role) => `'${role}'`).join(', ');
