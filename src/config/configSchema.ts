import addressparser from 'nodemailer/lib/addressparser/index.js';
import { z } from 'zod';
import type { MessageKey } from '../i18n/catalogs/en.js';
import { messageKeys } from '../i18n/shippedCatalogs.js';
import { addressProblem } from '../util/addressProblem.js';
import { webhooksConfigShape } from './webhooksConfigShape.js';

const mailbox = z.string().superRefine((value, ctx) => {
  const parsed = addressparser(value, { flatten: true });
  const address = parsed[0]?.address ?? '';
  if (parsed.length !== 1 || addressProblem(address)) {
    ctx.addIssue({
      code: 'custom',
      message: `Unexpected \`${value}\`, expected one mail address such as \`The Brief <news@example.org>\``,
    });
  }
});

const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    ctx.addIssue({
      code: 'custom',
      message: `Unexpected \`${value}\`, expected an absolute address such as \`https://example.org/story/\``,
    });
  }
});

const locale = z.string().superRefine((value, ctx) => {
  try {
    Intl.getCanonicalLocales(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `Unexpected locale \`${value}\`, expected a BCP 47 tag such as \`en-US\` or \`de-CH\``,
    });
  }
});

const timeZone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `Unexpected time zone \`${value}\`, expected an IANA name such as \`Europe/Zurich\` or \`UTC\``,
    });
  }
});

const label = z.string().trim().min(1).optional();
const labelShape = Object.fromEntries(messageKeys.map((key) => [key, label])) as Record<
  MessageKey,
  typeof label
>;

/**
 * The clients caniemail's data covers, as `family.platform`: the caniemail
 * package's names, plus `outlook.outlook-com`, which its data holds but its
 * list of names leaves out.
 */
export const emailClients = [
  'apple-mail.macos',
  'apple-mail.ios',
  'gmail.desktop-webmail',
  'gmail.ios',
  'gmail.android',
  'gmail.mobile-webmail',
  'orange.desktop-webmail',
  'orange.ios',
  'orange.android',
  'outlook.windows',
  'outlook.windows-mail',
  'outlook.macos',
  'outlook.outlook-com',
  'outlook.ios',
  'outlook.android',
  'yahoo.desktop-webmail',
  'yahoo.ios',
  'yahoo.android',
  'aol.desktop-webmail',
  'aol.ios',
  'aol.android',
  'samsung-email.android',
  'sfr.desktop-webmail',
  'sfr.ios',
  'sfr.android',
  'thunderbird.macos',
  'protonmail.desktop-webmail',
  'protonmail.ios',
  'protonmail.android',
  'hey.desktop-webmail',
  'mail-ru.desktop-webmail',
  'fastmail.desktop-webmail',
  'laposte.desktop-webmail',
] as const;

export type EmailClient = (typeof emailClients)[number];

/**
 * `storyline.config.json`. Every field has a default so a fresh clone runs
 * with no config at all; the sample ships one to show every field. Nested
 * objects use `.prefault({})`: zod 4's `.default({})` returns `{}` as it is,
 * skipping the inner defaults, whereas a prefault is parsed, so each default
 * is written once, on its field.
 */
export const configShape = z.strictObject({
  $schema: z.string().optional(),
  publication: z.string().trim().min(1).default('Storyline'),
  from: mailbox.default('Storyline <newsletter@example.org>'),
  replyTo: mailbox.optional(),
  siteUrl: httpUrl.default('https://example.org/'),
  unsubscribe: z
    .strictObject({
      url: httpUrl.optional(),
      mailto: z
        .string()
        .refine((value) => !addressProblem(value), {
          message: 'Unexpected value, expected a bare address such as `unsubscribe@example.org`',
        })
        .optional(),
    })
    .prefault({}),
  locale: locale.default('en-US'),
  timeZone: timeZone.default('UTC'),
  postalAddress: z.string().default(''),
  subjectPrefix: z.string().default(''),
  /**
   * The main MJML template, relative to the content root. Unset: the root's
   * `templates/email.mjml` if there is one, else the template storyline ships.
   */
  template: z.string().trim().min(1).optional(),
  /** How many earlier, already mailed updates an edition shows under the new ones. */
  earlierUpdates: z.number().int().min(0).max(50).default(5),
  /**
   * The mail clients `check` tests the email against (caniemail's data):
   * Gmail web and apps, Outlook for Windows and Outlook.com, Apple Mail, Yahoo.
   */
  clients: z
    .array(z.enum(emailClients))
    .default([
      'gmail.desktop-webmail',
      'gmail.ios',
      'gmail.android',
      'outlook.windows',
      'outlook.outlook-com',
      'apple-mail.macos',
      'apple-mail.ios',
      'yahoo.desktop-webmail',
      'yahoo.ios',
      'yahoo.android',
    ]),
  /** The web archive's living page (`archive/index.html`). */
  archive: z
    .strictObject({
      /**
       * Updates the living page shows in full, newest first; older ones go to
       * `archive/page/2.html` and on, as many to a page.
       */
      pageSize: z.number().int().min(1).max(1000).default(20),
    })
    .prefault({}),
  /** The Atom and JSON feeds. */
  feeds: z
    .strictObject({
      /** Entries in each feed: the newest updates, as feed readers expect a feed to hold. */
      entries: z.number().int().min(1).max(1000).default(50),
    })
    .prefault({}),
  /** The catch-up email a reader gets on confirming ("the story so far"). */
  catchUp: z
    .strictObject({
      /**
       * How many of the newest updates it shows in full (fewer when the
       * email would pass Gmail's clip); older ones are dated headlines.
       */
      inFull: z.number().int().min(0).max(50).default(3),
      /**
       * How long `serve` leaves a catch-up it began sending to the process
       * that began it, before another takes it as left by a crash. Sending
       * one takes seconds; several `serve` processes on one PostgreSQL never
       * take over a catch-up another live one is sending within this time.
       */
      leaseSeconds: z.number().int().min(1).max(86_400).default(120),
    })
    .prefault({}),
  /**
   * Words storyline writes, overriding the catalog of `locale` (any key of
   * `src/i18n/catalogs/en.ts`); unset, the catalog's words are used.
   */
  labels: z.strictObject(labelShape).prefault({}),
  send: z
    .strictObject({
      /** Messages per second, across all connections; 0 for no limit. */
      rate: z.number().min(0).default(10),
      /** Messages in flight at once (pooled SMTP connections). */
      concurrency: z.number().int().min(1).max(100).default(5),
      /** Further tries after a temporary failure (4xx, timeout, dropped connection) before deferring to the next run. */
      retries: z.number().int().min(0).max(10).default(3),
      /** Seconds before the first retry; each further one waits twice as long, give or take half. */
      retryDelay: z.number().min(0).max(600).default(2),
    })
    .prefault({}),
  /** `storyline serve`, the reader's side: sign-up, confirmation, one-click unsubscribe. */
  serve: z
    .strictObject({
      /**
       * Where `serve` is reachable from readers, e.g. `https://news.example.org/syria/`.
       * When set, the archive's pages carry a subscribe form posting to its
       * `subscribe`, and `unsubscribe.url` defaults to its `unsubscribe`.
       * Unset, `serve` uses the address it listens on (for trying it locally).
       */
      publicUrl: httpUrl.optional(),
      /**
       * Whose `X-Forwarded-For` to believe: the reverse proxy's addresses
       * (`"127.0.0.1"`, `"loopback"`, a comma-separated list), or true for
       * any. Off by default: a client could claim any address and slip past
       * the per-address limits.
       */
      trustProxy: z.union([z.boolean(), z.string().trim().min(1)]).default(false),
      /** The sentence the form shows above the button, kept with each sign-up as proof of consent. */
      consent: z
        .string()
        .trim()
        .min(1)
        .default('Email me each update of this story. Every email has a one-click unsubscribe.'),
      limits: z
        .strictObject({
          /** Sign-ups and confirmations a client address may post a minute; 0 for no limit. */
          signUpsPerMinute: z.number().int().min(0).default(10),
          /** Other requests a client address may make a minute (pages, unsubscribes); 0 for no limit. */
          requestsPerMinute: z.number().int().min(0).default(300),
          /** The largest request body taken, in bytes. */
          bodyBytes: z.number().int().min(256).max(1_048_576).default(8192),
          /** Confirmation mails to one address at most once per this many minutes. */
          confirmationIntervalMinutes: z.number().int().min(1).default(60),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Bounces and complaints: where they are mailed back, and when they suppress an address. */
  bounces: z
    .strictObject({
      /**
       * The domain bounces are mailed back to. Set, each message's envelope
       * sender (Return-Path) is `bounces+<id>@<domain>` (VERP), so a bounce
       * names its edition and recipient; its MX must reach `serve --smtp-port`
       * or a mailbox `bounces import` reads. Unset, the envelope sender is `from`.
       */
      domain: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
          error:
            'Unexpected `bounces.domain`, expected a domain name such as `bounces.example.org`',
        })
        .optional(),
      /** Soft bounces suppress an address once `count` of the last `of` editions had one. */
      soft: z
        .strictObject({
          count: z.number().int().min(1).default(3),
          of: z.number().int().min(1).max(100).default(5),
        })
        .refine((soft) => soft.count <= soft.of, {
          error:
            'Unexpected `bounces.soft.count` above `bounces.soft.of`, expected at most as many editions as it counts over',
        })
        .prefault({}),
      /** Providers' webhooks on `serve`. */
      webhooks: webhooksConfigShape,
    })
    .prefault({}),
});

/**
 * The config as commands use it: `unsubscribe.url` follows `serve.publicUrl`
 * unless it is set itself, so every message's `List-Unsubscribe` points at
 * `serve` once it runs somewhere.
 */
export const configSchema = configShape.transform((config) =>
  config.serve.publicUrl && !config.unsubscribe.url
    ? {
        ...config,
        unsubscribe: {
          ...config.unsubscribe,
          url: new URL('unsubscribe', config.serve.publicUrl).href,
        },
      }
    : config,
);

export type Config = z.output<typeof configSchema>;
