import type { PostKind } from './post.entities';
import type { PostSummary, ThreadReply } from './posts.service';
import { renderUserMarkdown } from '../coaching/user-markdown';

export const KIND_LABELS: Readonly<Record<PostKind, string>> = {
  story: 'Story',
  ask: 'Ask for help',
  feedback: 'Feedback request',
};

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** Where to go after accepting the code of conduct: a circles page, or the circles list. */
export function conductNext(value: unknown): string {
  return typeof value === 'string' &&
    /^\/circles\/[0-9a-f-]{36}(\/new(\?kind=(story|ask|feedback))?)?$/.test(value)
    ? value
    : '/circles';
}

type PostViewSource = Omit<PostSummary, 'hiddenReason'> & { hiddenReason: string | null };
export type PostView = ReturnType<typeof makePostView>;

/**
 * Views of posts already made, by the post object: a circle's cached first page hands the same
 * (never changed) objects to every reader, so each post's date is formatted once per cache fill,
 * not once per request. Fresh objects are forgotten with them.
 */
const madeViews = new WeakMap<PostViewSource, PostView>();

/** A post as lists show it (kind label, formatted date, counts). */
export function postView(p: PostViewSource): PostView {
  let view = madeViews.get(p);
  if (!view) {
    view = makePostView(p);
    madeViews.set(p, view);
  }
  return view;
}

function makePostView(p: PostViewSource) {
  return {
    id: p.id,
    kind: p.kind,
    kindLabel: KIND_LABELS[p.kind],
    title: p.title,
    authorName: p.authorName,
    date: dateFormat.format(p.createdAt),
    replies: p.replies,
    meToo: p.meToo,
    answered: p.answered,
    hiddenReason: p.hiddenReason,
  };
}

export function replyView(r: ThreadReply, me: string) {
  return {
    id: r.id,
    authorId: r.authorId,
    authorName: r.authorName,
    mine: r.authorId === me,
    bodyHtml: renderUserMarkdown(r.body),
    date: dateFormat.format(r.createdAt),
    helped: r.helped,
    helpedByMe: r.helpedByMe,
    hiddenReason: r.hiddenReason,
  };
}
