import type { Catalog } from '../Catalog.js';
import type { MessageKey } from './en.js';

/** German. */
export const de: Catalog<MessageKey> = {
  update: 'Aktualisierung',
  correction: 'Korrektur',
  earlierUpdates: 'Frühere Aktualisierungen',
  moreUpdates: {
    one: '{count} weitere Aktualisierung im Archiv',
    other: '{count} weitere Aktualisierungen im Archiv',
  },
  readMore: 'Im Archiv lesen',
  viewInBrowser: 'Diese E-Mail im Browser ansehen',
  viewInBrowserLink: 'Im Browser ansehen',
  footerNote:
    'Sie erhalten {publication}, weil Sie Aktualisierungen zu dieser Geschichte abonniert haben.',
  unsubscribe: 'Abbestellen',
  links: 'Links',
  notes: 'Anmerkungen',
  backToReference: 'Zurück zum Verweis {reference}',
  reader: 'Leser',
  updates: 'Aktualisierungen',
  theStory: 'Der Artikel',
  editionsMailed: 'Versandte Ausgaben',
  asMailed: 'Versandt als: {subject}',
  updatedOn: 'Aktualisiert am {date}',
  firstPublished: 'Erstmals veröffentlicht am {date}',
  updateCount: { one: '{count} Aktualisierung', other: '{count} Aktualisierungen' },
  atomFeed: 'Atom-Feed',
  jsonFeed: 'JSON-Feed',
  newerUpdates: 'Neuere Aktualisierungen',
  olderUpdates: 'Ältere Aktualisierungen',
  pageOf: 'Seite {page} von {count}',
};
