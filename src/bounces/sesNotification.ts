import { z } from 'zod';
import type { BounceEvent, BounceKind } from './BounceEvent.js';
import { bracketMessageId } from './bracketMessageId.js';

const recipient = z.looseObject({
  emailAddress: z.string(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

const mail = z
  .looseObject({
    headers: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
    commonHeaders: z.looseObject({ messageId: z.string().optional() }).optional(),
  })
  .optional();

/**
 * An SES notification (the `Message` of an SNS notification): the feedback
 * notifications' `notificationType` or the event publishing's `eventType`.
 * https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
 */
const sesNotificationSchema = z.looseObject({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  bounce: z
    .looseObject({
      bounceType: z.string(),
      bouncedRecipients: z.array(recipient),
      timestamp: z.string(),
      feedbackId: z.string(),
    })
    .optional(),
  complaint: z
    .looseObject({
      complainedRecipients: z.array(recipient),
      timestamp: z.string(),
      feedbackId: z.string(),
    })
    .optional(),
  mail,
});

/**
 * SES's bounce types: `Permanent` is a hard bounce; `Transient` and
 * `Undetermined` (SES could not tell) count as soft, so only repeats suppress.
 */
const bounceKinds: Record<string, BounceKind> = {
  Permanent: 'hard',
  Transient: 'soft',
  Undetermined: 'soft',
};

/**
 * The bounces and complaints an SES notification reports, one event per
 * recipient; deliveries, sends, opens and the like are none. Undefined when
 * `text` is not an SES notification at all.
 */
export function sesNotificationEvents(text: string): BounceEvent[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = sesNotificationSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const notification = parsed.data;
  const type = notification.notificationType ?? notification.eventType;
  // The Message-ID storyline sent with: SES's own `mail.messageId` is not it.
  const messageId = bracketMessageId(
    notification.mail?.headers?.find((header) => header.name.toLowerCase() === 'message-id')
      ?.value ?? notification.mail?.commonHeaders?.messageId,
  );
  const events = (
    kind: BounceKind,
    report: { feedbackId: string; timestamp: string },
    recipients: z.output<typeof recipient>[],
  ): BounceEvent[] =>
    recipients.map((each, index) => ({
      kind,
      source: 'ses',
      recipient: { address: each.emailAddress, messageId },
      // One feedback id covers all the message's recipients; each is its own event.
      eventId: recipients.length === 1 ? report.feedbackId : `${report.feedbackId}/${index}`,
      at: report.timestamp,
      status: each.status,
      diagnostic: each.diagnosticCode,
    }));
  if (type === 'Bounce' && notification.bounce) {
    const kind = bounceKinds[notification.bounce.bounceType] ?? 'soft';
    return events(kind, notification.bounce, notification.bounce.bouncedRecipients);
  }
  if (type === 'Complaint' && notification.complaint)
    return events('complaint', notification.complaint, notification.complaint.complainedRecipients);
  return [];
}
