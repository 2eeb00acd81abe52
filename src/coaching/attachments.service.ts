import { fileTypeFromBuffer } from 'file-type';
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { ACCEPT_ATTRIBUTE, ALLOWED_ATTACHMENT_TYPES, sizeText } from './attachment-types';
import { EvidenceAttachment } from './attachment.entity';
import { organizerAccess } from './coaching.policy';
import { EvidenceSubmission } from './coaching.entities';

export interface AttachmentLimits {
  maxBytes: number;
  perSubmission: number;
  quotaBytes: number;
}

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

/** What a file really is, from its content (file-type reads the magic numbers of each format). */
const detect = (content: Uint8Array) => fileTypeFromBuffer(content);

/** A file name safe to store and to send back in a header: no paths, no control characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) !== 127 && c !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned || 'file';
}

/** Files attached to evidence: limits, the check of what each file is, and who may read them. */
export class AttachmentsService {
  constructor(private readonly limits: AttachmentLimits) {}

  /** The limits in words, for the upload form. */
  describeLimits() {
    return {
      perSubmission: this.limits.perSubmission,
      maxSize: sizeText(this.limits.maxBytes),
      accept: ACCEPT_ATTRIBUTE,
    };
  }

  /**
   * Attaches files to the actor's own evidence while it waits for review. The person's row is locked
   * first, so concurrent uploads (from any process) are counted one after another against the
   * per-submission limit and the quota. Throws ValidationFailed naming the file at fault.
   */
  async add(
    manager: EntityManager,
    actor: SessionUser | undefined,
    submissionId: string,
    files: UploadedFile[],
  ): Promise<number> {
    const person = assertSignedIn(actor);
    if (!files.length) throw new ValidationFailed({ files: 'Choose at least one file.' });
    await manager.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [person.id]);
    const submission = await manager.findOneBy(EvidenceSubmission, { id: submissionId });
    if (!submission || submission.organizerId !== person.id)
      throw new NotFound('That evidence does not exist.');
    if (submission.status !== 'pending')
      throw new Conflict('Files can be added only while the evidence waits for review.');
    const [{ count, used }] = await manager.query<{ count: number; used: number }[]>(
      `SELECT (SELECT count(*)::int FROM evidence_attachments WHERE submission_id = $1) AS count,
              (SELECT coalesce(sum(size), 0)::float8 FROM evidence_attachments WHERE organizer_id = $2) AS used`,
      [submissionId, person.id],
    );
    const { maxBytes, perSubmission, quotaBytes } = this.limits;
    if (count + files.length > perSubmission)
      throw new ValidationFailed({
        files: `Evidence can carry at most ${perSubmission} files; this one has ${count} already.`,
      });
    const checked: { filename: string; mediaType: string; buffer: Buffer }[] = [];
    for (const file of files) {
      const filename = cleanName(file.originalname);
      if (file.buffer.length > maxBytes)
        throw new ValidationFailed({
          files: `“${filename}” is too big: files can be up to ${sizeText(maxBytes)}.`,
        });
      const type = await detect(file.buffer);
      if (!type || !ALLOWED_ATTACHMENT_TYPES[type.mime])
        throw new ValidationFailed({
          files: `“${filename}” is not a PDF, an image (PNG, JPEG, GIF, WebP) or an office document, judging by its content.`,
        });
      checked.push({ filename, mediaType: type.mime, buffer: file.buffer });
    }
    const adding = checked.reduce((sum, file) => sum + file.buffer.length, 0);
    if (used + adding > quotaBytes)
      throw new ValidationFailed({
        files: `These files would take you past your ${sizeText(quotaBytes)} of evidence files (${sizeText(used)} used). Remove files you no longer need.`,
      });
    for (const file of checked)
      await manager.insert(EvidenceAttachment, {
        submissionId,
        organizerId: person.id,
        filename: file.filename,
        mediaType: file.mediaType,
        size: file.buffer.length,
        content: file.buffer,
      });
    await recordAudit(manager, {
      actorId: person.id,
      action: 'coaching.files_attached',
      subjectType: 'submission',
      subjectId: submissionId,
      details: { files: checked.map((f) => f.filename) },
    });
    return checked.length;
  }

  /** Removes one of the actor's files from evidence still waiting for review. */
  async remove(
    manager: EntityManager,
    actor: SessionUser | undefined,
    attachmentId: string,
  ): Promise<string> {
    const person = assertSignedIn(actor);
    const attachment = await manager.findOne(EvidenceAttachment, {
      where: { id: attachmentId },
      relations: { submission: true },
    });
    if (!attachment || attachment.organizerId !== person.id) throw new NotFound('That file does not exist.');
    if (attachment.submission!.status !== 'pending')
      throw new Conflict('Files can be removed only while the evidence waits for review.');
    await manager.delete(EvidenceAttachment, attachment.id);
    return attachment.submission!.milestoneId;
  }

  /** The files of some submissions (without their content), by submission. */
  async of(manager: EntityManager, submissionIds: string[]): Promise<Map<string, EvidenceAttachment[]>> {
    const rows = submissionIds.length
      ? await manager.find(EvidenceAttachment, {
          where: { submissionId: In(submissionIds) },
          order: { createdAt: 'ASC', id: 'ASC' },
        })
      : [];
    const bySubmission = new Map<string, EvidenceAttachment[]>();
    for (const row of rows)
      bySubmission.set(row.submissionId, [...(bySubmission.get(row.submissionId) ?? []), row]);
    return bySubmission;
  }

  /**
   * A file with its content, for those who may read the evidence: the organizer, their current and
   * former coaches, admins in scope. Everyone else gets NotFound or Forbidden.
   */
  async open(manager: EntityManager, actor: SessionUser | undefined, attachmentId: string) {
    assertSignedIn(actor);
    const attachment = await manager.findOne(EvidenceAttachment, {
      where: { id: attachmentId },
      select: { id: true, organizerId: true, filename: true, mediaType: true, size: true, content: true },
    });
    if (!attachment) throw new NotFound('That file does not exist.');
    await organizerAccess(manager, actor, attachment.organizerId);
    return attachment;
  }
}
