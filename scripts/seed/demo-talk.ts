import { Circle } from '../../src/circles/circle.entities';
import { CirclesService } from '../../src/circles/circles.service';
import { MentionsService } from '../../src/circles/mentions';
import type { PostKind } from '../../src/circles/post.entities';
import { PostsService } from '../../src/circles/posts.service';
import { POSTING_LIMIT } from '../../src/circles';
import { StoriesService } from '../../src/directory/stories.service';
import { AttemptLimiter } from '../../src/web/attempt-limiter';
import type { Pool } from 'pg';
import { backdate, type DemoCast } from './demo-cast';

/** One post of the demo's circle talk, with when it was written and its replies. */
interface Talk {
  key: string;
  circle: 'oakland' | 'boston' | 'cohort' | 'academy';
  author: string;
  kind: PostKind;
  title: string;
  body: string;
  hoursAgo: number;
  link?: string;
  replies?: { author: string; body: string; hoursAgo: number }[];
}

const talks = (reworkMilestoneId: string): Talk[] => [
  {
    circle: 'academy',
    author: 'admin',
    kind: 'story',
    key: 'welcome',
    title: 'What these circles are for',
    body: 'Every organizer, coach and admin of the academy is in this circle; your chapter and your cohort have their own. Share what happened at your last meeting, good or bad. Ask for help when you are stuck: someone has been there. Ask for feedback before you submit evidence. Be kind, and keep what is shared here in the circle.',
    hoursAgo: 14 * 24,
  },
  {
    circle: 'oakland',
    author: 'riley.nguyen',
    kind: 'story',
    key: 'pantry-story',
    title: 'Forty people came to our pantry finder night',
    body: 'We teamed up with two food pantries in Fruitvale to fix the hours and addresses on our pantry finder. We expected fifteen people. Forty came, and a third of them had never been to a hack night.\n\n**What worked**\n\n- A pantry volunteer spent ten minutes explaining what happens when the hours online are wrong: families walk there and find the door locked.\n- One table just for newcomers, with a printed checklist of listings to verify.\n\n**What we would change**\n\nBring more power strips, and end with a five-minute round of "what will you do before next week?"\n\nBy the end of the night we had checked 112 listings, and eleven people signed up for the next one.',
    hoursAgo: 9 * 24,
    replies: [
      {
        author: 'rosa.diaz',
        body: 'The newcomer table is going in my workshop notes. Ask to publish this one: other chapters should read it.',
        hoursAgo: 9 * 24 - 3,
      },
    ],
  },
  {
    circle: 'oakland',
    author: 'jordan.patel',
    kind: 'ask',
    key: 'newcomers-ask',
    title: 'How do you keep newcomers coming back after their first night?',
    body: 'About half of our first-timers never come back. We do a welcome round and pair each one with a regular, but it does not seem to stick. What has worked for your chapter?',
    hoursAgo: 6 * 24,
    replies: [
      {
        author: 'rosa.diaz',
        body: 'Send a personal note the next day: not the newsletter, two lines from the person they sat with. And give them something small they can finish by the next meeting.',
        hoursAgo: 5 * 24 + 20,
      },
      {
        author: 'riley.nguyen',
        body: 'What changed it for us: a newcomer table with a printed task list, and asking everyone at the end "what will you do before next week?" People come back to finish what they said out loud. Our return rate went from about one in four to one in two.',
        hoursAgo: 5 * 24 + 2,
      },
      {
        author: 'jordan.patel',
        body: 'Trying both at Tuesday’s hack night. Thank you!',
        hoursAgo: 5 * 24,
      },
    ],
  },
  {
    circle: 'oakland',
    author: 'jordan.patel',
    kind: 'story',
    key: 'county-story',
    title: 'Our first meeting with the county’s open data team',
    body: 'I went in with a list of twelve data sets we wanted. They had time for two. Next time I will bring one, with a sentence on who it helps and what we would build with it. They did agree to publish the cooling center locations as a file we can update every summer.',
    hoursAgo: 3 * 24,
  },
  {
    circle: 'oakland',
    author: 'casey.morgan',
    kind: 'ask',
    key: 'intake-ask',
    title: 'Does anyone have a partner intake form we could borrow?',
    body: 'A tenants’ group asked us for help with a repair-request tracker. Before we say yes I would like a short list of questions for any new partner: who will use it, who keeps it running after we leave, and what personal data it holds. Has anyone written one?',
    hoursAgo: 20,
  },
  {
    circle: 'boston',
    author: 'jamie.chen',
    kind: 'story',
    key: 'hello-story',
    title: 'Hello from a new organizer',
    body: 'I started coming to Code for Boston hack nights in the spring to work on the snow-route map. This fall I offered to help run them. Reading the first modules now; the one on welcoming newcomers already changed how I greet people at the door.',
    hoursAgo: 4 * 24,
  },
  {
    circle: 'cohort',
    author: 'alex.kim',
    kind: 'story',
    key: 'retro-story',
    title: 'I ran my first retro and nobody talked. Then they did.',
    body: 'Ten minutes of silence felt like an hour. What got people going: everyone wrote one sticky note first, then we read them out loud. Three people said it was the first time anyone had asked what they thought of the project. Next time I start with the sticky notes.',
    hoursAgo: 8 * 24,
  },
  {
    circle: 'cohort',
    author: 'taylor.brooks',
    kind: 'feedback',
    key: 'core-team-feedback',
    title: 'Feedback wanted: what my core team wants from the group',
    body: 'Sam said my first try described what I planned to ask, not what people told me. So this week I talked with four of our core team. Draft:\n\n| Role | Wants | Does the role give it? |\n| --- | --- | --- |\n| Project lead | To mentor newer people | Partly: no time left after coding |\n| Data lead | To learn map-making | No |\n| Greeter | Friends in a new city | Yes |\n| Note-taker | Something for a portfolio | No |\n\nThe data lead and I agreed she pairs with our map volunteer for the next project. What is missing before I resubmit?',
    hoursAgo: 3 * 24,
    link: `milestone:${reworkMilestoneId}`,
    replies: [
      {
        author: 'alex.kim',
        body: '**What works**\n\nThe table shows real gaps, and the data lead change is concrete.\n\n**What to try**\n\nThe milestone asks for an adjustment agreed with at least two people, and the date of a follow-up check-in. Add one more agreement (the note-taker?) and the date.',
        hoursAgo: 2 * 24 + 5,
      },
      {
        author: 'jordan.patel',
        body: 'Asking "does the role give it?" out loud is brave. Our greeter said no, and we only found out when he quit.',
        hoursAgo: 2 * 24,
      },
    ],
  },
  {
    circle: 'cohort',
    author: 'jamie.chen',
    kind: 'ask',
    key: 'hybrid-ask',
    title: 'How do you run a meeting when half the room is on Zoom?',
    body: 'Our planning meetings are hybrid now. The people on the call hear half of what is said and nobody sees their raised hands. Any tips that do not need new equipment?',
    hoursAgo: 30,
    replies: [
      {
        author: 'jordan.patel',
        body: 'We name one person in the room as the "call buddy" who watches the chat and hands, and we go to the call first in every round.',
        hoursAgo: 26,
      },
    ],
  },
];

/**
 * Circle talk for the demo: stories, an ask answered (with "This helped"), open asks with "Me too"
 * and a feedback request linked to a milestone, written through the circles service by people who
 * accepted the code of conduct. Riley's story is then published on OpenOakland's public page:
 * requested by Riley, approved by the admin. Returns the published post's id.
 */
export async function seedDemoTalk(cast: DemoCast, pool: Pool): Promise<{ publishedPostId: string }> {
  const { manager, who, chapterIds } = cast;
  // The app's posting limit is consumed by the router, per request; the seed writes as the service does.
  const limiter = new AttemptLimiter(pool, {
    prefix: 'circle-post',
    ...POSTING_LIMIT,
    blockSeconds: POSTING_LIMIT.windowSeconds,
    message: 'You have posted a lot in a short time. Please wait {wait} and try again.',
  });
  const mentions = new MentionsService(cast.baseUrl);
  const posts = new PostsService(new CirclesService(), limiter, { curriculum: cast.curriculum, mentions });
  const circleIds = {
    oakland: (await manager.findOneByOrFail(Circle, { chapterId: chapterIds.oakland })).id,
    boston: (await manager.findOneByOrFail(Circle, { chapterId: chapterIds.boston })).id,
    cohort: (await manager.findOneByOrFail(Circle, { cohortId: cast.cohortId })).id,
    academy: (await manager.findOneByOrFail(Circle, { kind: 'academy' })).id,
  };

  const all = talks(cast.reworkMilestoneId);
  const writers = new Set(all.flatMap((t) => [t.author, ...(t.replies ?? []).map((r) => r.author)]));
  for (const key of writers) await posts.acceptConduct(manager, who(key));

  const ids = new Map<string, { postId: string; replyIds: string[] }>();
  for (const talk of all) {
    const post = await posts.create(manager, who(talk.author), circleIds[talk.circle], {
      kind: talk.kind,
      title: talk.title,
      body: talk.body,
      link: talk.link,
    });
    const replyIds: string[] = [];
    for (const reply of talk.replies ?? []) {
      const saved = await posts.reply(manager, who(reply.author), post.id, reply.body);
      replyIds.push(saved.id);
      await backdate(manager, 'circle_replies', saved.id, reply.hoursAgo);
    }
    ids.set(talk.key, { postId: post.id, replyIds });
  }
  const idOf = (key: string) => ids.get(key)!;

  // Jordan's ask: Riley's reply is the answer, and it helped Casey and Rosa too.
  const newcomers = idOf('newcomers-ask');
  await posts.markAnswered(manager, who('jordan.patel'), newcomers.postId, newcomers.replyIds[1]);
  for (const key of ['casey.morgan', 'rosa.diaz', 'jordan.patel'])
    await posts.helped(manager, who(key), newcomers.replyIds[1]);
  await posts.helped(manager, who('taylor.brooks'), idOf('core-team-feedback').replyIds[0]);
  // Open asks others share.
  await posts.meToo(manager, who('jordan.patel'), idOf('intake-ask').postId);
  for (const key of ['alex.kim', 'taylor.brooks'])
    await posts.meToo(manager, who(key), idOf('hybrid-ask').postId);

  // Riley asks to publish the story; the admin (academy-wide: OpenOakland has no admin of its own) approves.
  const stories = new StoriesService(cast.baseUrl);
  const story = idOf('pantry-story').postId;
  await stories.request(manager, who('riley.nguyen'), story);
  const facts = await stories.facts(manager, story);
  await stories.approve(manager, who('admin'), story, facts.updatedAt.toISOString());

  for (const talk of all) await backdate(manager, 'circle_posts', idOf(talk.key).postId, talk.hoursAgo);
  await manager.query(
    `UPDATE story_publications SET requested_at = now() - interval '8 days', decided_at = now() - interval '7 days',
            published_at = now() - interval '7 days', public_updated_at = now() - interval '7 days' WHERE post_id = $1`,
    [story],
  );
  return { publishedPostId: story };
}
