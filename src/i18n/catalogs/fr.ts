import type { Catalog } from '../Catalog.js';
import type { MessageKey } from './en.js';

/** French. */
export const fr: Catalog<MessageKey> = {
  update: 'Mise à jour',
  correction: 'Rectificatif',
  earlierUpdates: 'Mises à jour précédentes',
  moreUpdates: {
    one: '{count} autre mise à jour dans les archives',
    many: '{count} autres mises à jour dans les archives',
    other: '{count} autres mises à jour dans les archives',
  },
  readMore: 'Lire dans les archives',
  viewInBrowser: 'Voir cet e-mail dans votre navigateur',
  viewInBrowserLink: 'Voir dans le navigateur',
  footerNote: 'Vous recevez {publication} car vous suivez les mises à jour de ce sujet.',
  unsubscribe: 'Se désabonner',
  links: 'Liens',
  notes: 'Notes',
  backToReference: 'Retour à l’appel de note {reference}',
  reader: 'lecteur',
  updates: 'Mises à jour',
  theStory: 'L’article',
  editionsMailed: 'Éditions envoyées',
  asMailed: 'Édition envoyée : {subject}',
  updatedOn: 'Mis à jour le {date}',
  firstPublished: 'Publié le {date}',
  updateCount: {
    one: '{count} mise à jour',
    many: '{count} mises à jour',
    other: '{count} mises à jour',
  },
  atomFeed: 'Flux Atom',
  jsonFeed: 'Flux JSON',
  newerUpdates: 'Mises à jour plus récentes',
  olderUpdates: 'Mises à jour plus anciennes',
  pageOf: 'Page {page} sur {count}',
};
