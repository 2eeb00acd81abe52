import type { Curriculum } from '../curriculum/curriculum.types';
import { linkView } from './curriculum-links';
import type { ProfileItem } from './profile.service';
import type { FoundPost } from './search.service';
import { KIND_LABELS } from './view-models';

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** A search result or a "peers on this module" line, as the views show it. */
export function foundView(curriculum: Curriculum, p: FoundPost) {
  return {
    id: p.id,
    kind: p.kind,
    kindLabel: KIND_LABELS[p.kind],
    title: p.title,
    authorName: p.authorName,
    circleName: p.circleName,
    date: dateFormat.format(p.createdAt),
    answered: p.answered,
    hidden: p.hidden,
    about: linkView(curriculum, { moduleId: p.moduleId, milestoneId: p.milestoneId }),
    snippet: p.snippet,
  };
}

export function profileItemView(item: ProfileItem) {
  return {
    url: `/circles/posts/${item.postId}${item.replyId ? `#reply-${item.replyId}` : ''}`,
    title: item.title,
    circleName: item.circleName,
    date: dateFormat.format(item.createdAt),
  };
}
