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
  catchUpSubject: 'Die Geschichte bisher: {headline}',
  subscribeHeading: 'Diese Geschichte per E-Mail verfolgen',
  subscribeEmail: 'E-Mail-Adresse',
  subscribeName: 'Name (optional)',
  subscribeHoneypot: 'Dieses Feld leer lassen',
  subscribeButton: 'Abonnieren',
  confirmMailSubject: 'Bestätigen Sie Ihr Abonnement von {publication}',
  confirmMailIntro:
    'Jemand, hoffentlich Sie, möchte {publication} per E-Mail an diese Adresse erhalten.',
  confirmMailOpenLink: 'Zum Bestätigen öffnen Sie diesen Link und drücken Sie Bestätigen:',
  confirmMailButton: 'Mein Abonnement bestätigen',
  confirmMailExpiry:
    'Der Link gilt 7 Tage. Wenn Sie nichts angefordert haben, ignorieren Sie diese Nachricht: Sie erhalten keine weitere.',
  backTo: 'Zurück zu {publication}',
  checkInboxTitle: 'Sehen Sie in Ihren Posteingang',
  checkInbox:
    'Wenn diese Adresse abonnieren kann, ist eine Nachricht mit einem Bestätigungslink unterwegs. Öffnen Sie sie und drücken Sie Bestätigen; bis dahin erhalten Sie nichts anderes.',
  badAddressTitle: 'Diese Adresse sieht nicht richtig aus',
  badAddress: 'Unerwartet: {problem}; erwartet wurde eine Adresse wie reader@example.org',
  confirmTitle: 'Bestätigen Sie Ihr Abonnement',
  confirmPrompt: 'Drücken Sie Bestätigen, um {publication} per E-Mail zu erhalten.',
  confirmButton: 'Bestätigen',
  subscribedTitle: 'Sie haben abonniert',
  subscribed: 'Danke. {publication} schickt Ihnen jede Aktualisierung dieser Geschichte.',
  badConfirmLinkTitle: 'Dieser Bestätigungslink funktioniert nicht',
  badConfirmLink:
    'Unerwarteter Link: unbekannt, abgelaufen (Links gelten 7 Tage) oder abgeschnitten; erwartet wurde der vollständige Link aus der Bestätigungsnachricht. Abonnieren Sie erneut, um einen neuen zu erhalten.',
  unsubscribeTitle: '{publication} abbestellen?',
  unsubscribePrompt:
    'Drücken Sie Abbestellen, und Ihnen wird keine weitere Aktualisierung geschickt.',
  unsubscribedTitle: 'Sie haben abbestellt',
  unsubscribed: '{publication} schreibt Ihnen nicht mehr. Haben Sie es sich anders überlegt?',
  resubscribeButton: 'Wieder abonnieren',
  resubscribedTitle: 'Sie haben wieder abonniert',
  resubscribed:
    'Willkommen zurück. {publication} schickt Ihnen jede Aktualisierung dieser Geschichte.',
  subscribeAgainTitle: 'Erneut abonnieren',
  subscribeAgain: 'Abonnieren Sie erneut über das Formular auf der Seite der Geschichte.',
  badUnsubscribeLinkTitle: 'Dieser Abmeldelink funktioniert nicht',
  badUnsubscribeLink:
    'Unerwarteter Link, der sich nicht prüfen lässt (verändert, abgeschnitten oder für eine andere Liste); erwartet wurde der vollständige Link aus einer unserer Nachrichten. Nutzen Sie den Abmeldelink unten in der letzten Nachricht, oder antworten Sie darauf, und wir nehmen Sie von der Liste.',
  notFoundTitle: 'Nicht gefunden',
  tooManyRequestsTitle: 'Zu viele Anfragen',
  tooManyRequests:
    'Unerwartet viele Anfragen von Ihrer Adresse, erwartet wurden weniger; warten Sie eine Minute und versuchen Sie es erneut.',
  errorTitle: 'Etwas ist schiefgegangen',
  badRequest:
    'Unerwartete Anfrage; erwartet wurde eine vom Formular oder von einem Link in unseren Nachrichten.',
  serverError: 'Der Dienst konnte nicht antworten; versuchen Sie es in einer Minute erneut.',
  newerUpdates: 'Neuere Aktualisierungen',
  olderUpdates: 'Ältere Aktualisierungen',
  pageOf: 'Seite {page} von {count}',
};
