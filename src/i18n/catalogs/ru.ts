import type { Catalog } from '../Catalog.js';
import type { MessageKey } from './en.js';

/** Russian: one (1, 21), few (2–4, 22–24), many (5–20, 25…), other (fractions). */
export const ru: Catalog<MessageKey> = {
  update: 'Обновление',
  correction: 'Поправка',
  earlierUpdates: 'Предыдущие обновления',
  moreUpdates: {
    one: 'Ещё {count} обновление в архиве',
    few: 'Ещё {count} обновления в архиве',
    many: 'Ещё {count} обновлений в архиве',
    other: 'Ещё {count} обновления в архиве',
  },
  readMore: 'Читать в архиве',
  viewInBrowser: 'Открыть письмо в браузере',
  viewInBrowserLink: 'Открыть в браузере',
  footerNote: 'Вы получаете {publication}, потому что подписались на обновления этого сюжета.',
  unsubscribe: 'Отписаться',
  links: 'Ссылки',
  notes: 'Примечания',
  backToReference: 'Назад к сноске {reference}',
  reader: 'читатель',
  updates: 'Обновления',
  theStory: 'Сюжет',
  editionsMailed: 'Разосланные выпуски',
  asMailed: 'Выпуск: {subject}',
  updatedOn: 'Обновлено {date}',
  firstPublished: 'Впервые опубликовано {date}',
  updateCount: {
    one: '{count} обновление',
    few: '{count} обновления',
    many: '{count} обновлений',
    other: '{count} обновления',
  },
  atomFeed: 'Лента Atom',
  jsonFeed: 'Лента JSON',
  newerUpdates: 'Более новые обновления',
  olderUpdates: 'Более старые обновления',
  pageOf: 'Страница {page} из {count}',
};
