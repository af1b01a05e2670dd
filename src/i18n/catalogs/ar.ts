import type { Catalog } from '../Catalog.js';
import type { MessageKey } from './en.js';

/** Arabic (Modern Standard), with its six plural forms. */
export const ar: Catalog<MessageKey> = {
  update: 'تحديث',
  correction: 'تصحيح',
  earlierUpdates: 'تحديثات سابقة',
  moreUpdates: {
    zero: 'لا تحديثات أخرى في الأرشيف',
    one: 'تحديث آخر في الأرشيف',
    two: 'تحديثان آخران في الأرشيف',
    few: '{count} تحديثات أخرى في الأرشيف',
    many: '{count} تحديثًا آخر في الأرشيف',
    other: '{count} تحديث آخر في الأرشيف',
  },
  readMore: 'اقرأه في الأرشيف',
  viewInBrowser: 'اعرض الرسالة في متصفحك',
  viewInBrowserLink: 'اعرضها في المتصفح',
  footerNote: 'تتلقّى {publication} لأنك اشتركت في تحديثات هذه القصة.',
  unsubscribe: 'إلغاء الاشتراك',
  links: 'الروابط',
  notes: 'هوامش',
  backToReference: 'العودة إلى الإحالة {reference}',
  reader: 'القارئ',
  updates: 'التحديثات',
  theStory: 'القصة',
  editionsMailed: 'الإصدارات المرسلة',
  asMailed: 'كما أُرسلت: {subject}',
  updatedOn: 'آخر تحديث {date}',
  firstPublished: 'نُشرت أول مرة {date}',
  updateCount: {
    zero: 'لا تحديثات',
    one: 'تحديث واحد',
    two: 'تحديثان',
    few: '{count} تحديثات',
    many: '{count} تحديثًا',
    other: '{count} تحديث',
  },
  atomFeed: 'موجز Atom',
  jsonFeed: 'موجز JSON',
};
