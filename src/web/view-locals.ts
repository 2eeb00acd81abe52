import type { RequestHandler } from 'express';
import type { SessionUser } from '../accounts/session-user';
import { notificationsLinkHtml } from './notifications-link';

interface NavLink {
  href: string;
  label: string;
}

/** Navigation by role; views only print it. */
export function navigationFor(user: SessionUser | undefined): NavLink[] {
  const links: NavLink[] = [
    { href: '/', label: 'Home' },
    { href: '/search', label: 'Search' },
  ];
  if (!user)
    return [
      ...links,
      { href: '/chapters', label: 'Chapters' },
      { href: '/opportunities', label: 'Opportunities' },
      { href: '/people/listed', label: 'Find people' },
      { href: '/join', label: 'Join or start a group' },
      { href: '/verify', label: 'Verify a certificate' },
    ];
  if (user.role === 'organizer') links.push({ href: '/me', label: 'Your progress' });
  links.push({
    href: user.role === 'admin' ? '/admin/certificates' : '/me/certificates',
    label: 'Certificates',
  });
  links.push({ href: '/workshops', label: 'Workshops' });
  links.push({ href: '/circles', label: 'Circles' });
  if (user.role !== 'admin') links.push({ href: '/chapters', label: 'Chapters' });
  links.push({ href: '/projects', label: 'Projects' });
  if (user.role === 'coach') links.push({ href: '/coach', label: 'Coaching' });
  if (user.role === 'admin') {
    links.push(
      { href: '/admin/reports', label: 'Reports' },
      { href: '/admin/coach-requests', label: 'Coach requests' },
      { href: '/admin/people', label: 'People' },
      { href: '/admin/invites', label: 'Invites' },
      { href: '/admin/cohorts', label: 'Cohorts' },
      { href: '/admin/requests', label: 'Requests' },
      { href: '/admin/stories', label: 'Stories' },
    );
    // Chapter-scoped admins do not manage chapters, the outbox or the audit log.
    if (!user.scopeChapterId)
      links.push(
        { href: '/admin/chapters', label: 'Chapters' },
        { href: '/admin/audit', label: 'Audit log' },
        { href: '/admin/outbox', label: 'Outbox' },
        { href: '/admin/issuer', label: 'Issuer' },
      );
  }
  links.push({ href: '/account', label: 'Your account' });
  return links;
}

interface CurrentNavLink extends NavLink {
  current: boolean;
}

/** The navigation with the current page marked: the longest matching link (/me/certificates, not /me as well). */
function markCurrent(links: NavLink[], path: string): CurrentNavLink[] {
  const matches = links.filter((link) =>
    link.href === '/' ? path === '/' : path === link.href || path.startsWith(`${link.href}/`),
  );
  const current = matches.sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return links.map((link) => ({ ...link, current: link.href === current }));
}

/** The same few navigations serve every request: kept per role, chapter scope and path (bounded). */
const navigations = new Map<string, readonly CurrentNavLink[]>();
const NAVIGATIONS_MAX = 2_000;

function navigationAt(user: SessionUser | undefined, path: string): readonly CurrentNavLink[] {
  const key = `${user?.role ?? ''}|${user?.scopeChapterId ? 'scoped' : ''}|${path}`;
  let nav = navigations.get(key);
  if (!nav) {
    nav = Object.freeze(markCurrent(navigationFor(user), path).map((link) => Object.freeze(link)));
    if (navigations.size >= NAVIGATIONS_MAX) navigations.delete(navigations.keys().next().value!);
    navigations.set(key, nav);
  }
  return nav;
}

/**
 * Values every page needs: who is signed in, the navigation, one-time messages, the CSRF token and
 * the notifications link (its count comes from unreadCountLocals).
 */
export function viewLocals(csrfToken: (req: Parameters<RequestHandler>[0]) => string): RequestHandler {
  return (req, res, next) => {
    res.locals.currentUser = req.user ? { displayName: req.user.displayName, role: req.user.role } : null;
    res.locals.nav = navigationAt(req.user, req.path);
    res.locals.flash = req.session?.flash ?? [];
    if (req.session?.flash) delete req.session.flash;
    res.locals.csrfToken = () => csrfToken(req);
    res.locals.notificationsLink = notificationsLinkHtml;
    res.locals.pageTitle = 'Organizer Academy';
    next();
  };
}
