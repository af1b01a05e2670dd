import type { Catalog } from '../Catalog.js';
import type { MessageKey } from './en.js';

/** Spanish. */
export const es: Catalog<MessageKey> = {
  update: 'Actualización',
  correction: 'Corrección',
  earlierUpdates: 'Actualizaciones anteriores',
  moreUpdates: {
    one: '{count} actualización más en el archivo',
    many: '{count} actualizaciones más en el archivo',
    other: '{count} actualizaciones más en el archivo',
  },
  readMore: 'Léala en el archivo',
  viewInBrowser: 'Ver este correo en el navegador',
  viewInBrowserLink: 'Ver en el navegador',
  footerNote: 'Recibe {publication} porque se suscribió a las actualizaciones de esta noticia.',
  unsubscribe: 'Darse de baja',
  links: 'Enlaces',
  notes: 'Notas',
  backToReference: 'Volver a la referencia {reference}',
  reader: 'lector',
  updates: 'Actualizaciones',
  theStory: 'La noticia',
  editionsMailed: 'Ediciones enviadas',
  asMailed: 'Edición enviada: {subject}',
  updatedOn: 'Actualizado el {date}',
  firstPublished: 'Publicado el {date}',
  updateCount: {
    one: '{count} actualización',
    many: '{count} actualizaciones',
    other: '{count} actualizaciones',
  },
  atomFeed: 'Canal Atom',
  jsonFeed: 'Canal JSON',
  newerUpdates: 'Actualizaciones más recientes',
  olderUpdates: 'Actualizaciones más antiguas',
  pageOf: 'Página {page} de {count}',
};
