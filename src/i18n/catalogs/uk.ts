import type { Catalog } from '../Catalog.js';
import type { MessageKey } from './en.js';

/** Ukrainian: one (1, 21), few (2–4, 22–24), many (5–20, 25…), other (fractions). */
export const uk: Catalog<MessageKey> = {
  update: 'Оновлення',
  correction: 'Виправлення',
  earlierUpdates: 'Попередні оновлення',
  moreUpdates: {
    one: 'Ще {count} оновлення в архіві',
    few: 'Ще {count} оновлення в архіві',
    many: 'Ще {count} оновлень в архіві',
    other: 'Ще {count} оновлення в архіві',
  },
  readMore: 'Читати в архіві',
  viewInBrowser: 'Відкрити лист у браузері',
  viewInBrowserLink: 'Відкрити в браузері',
  footerNote: 'Ви отримуєте {publication}, бо підписалися на оновлення цього сюжету.',
  unsubscribe: 'Відписатися',
  links: 'Посилання',
  notes: 'Примітки',
  backToReference: 'Назад до виноски {reference}',
  reader: 'читач',
  updates: 'Оновлення',
  theStory: 'Сюжет',
  editionsMailed: 'Надіслані випуски',
  asMailed: 'Випуск: {subject}',
  updatedOn: 'Оновлено {date}',
  firstPublished: 'Уперше опубліковано {date}',
  updateCount: {
    one: '{count} оновлення',
    few: '{count} оновлення',
    many: '{count} оновлень',
    other: '{count} оновлення',
  },
  atomFeed: 'Стрічка Atom',
  jsonFeed: 'Стрічка JSON',
  newerUpdates: 'Новіші оновлення',
  olderUpdates: 'Старіші оновлення',
  pageOf: 'Сторінка {page} з {count}',
};
