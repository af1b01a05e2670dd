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
  catchUpSubject: 'La historia hasta ahora: {headline}',
  subscribeHeading: 'Sigue esta historia por correo',
  subscribeEmail: 'Correo electrónico',
  subscribeName: 'Nombre (opcional)',
  subscribeHoneypot: 'Deja este campo vacío',
  subscribeButton: 'Suscribirse',
  confirmMailSubject: 'Confirma tu suscripción a {publication}',
  confirmMailIntro:
    'Alguien, seguramente tú, pidió recibir {publication} por correo en esta dirección.',
  confirmMailOpenLink: 'Para confirmar, abre este enlace y pulsa Confirmar:',
  confirmMailButton: 'Confirmar mi suscripción',
  confirmMailExpiry:
    'El enlace vale 7 días. Si no lo pediste, ignora este mensaje: no volverás a recibir nada.',
  backTo: 'Volver a {publication}',
  checkInboxTitle: 'Revisa tu bandeja de entrada',
  checkInbox:
    'Si esta dirección puede suscribirse, va en camino un mensaje con un enlace de confirmación. Ábrelo y pulsa Confirmar; hasta entonces no recibirás nada más.',
  badAddressTitle: 'Esa dirección no parece correcta',
  badAddress: '{problem} inesperado; se esperaba una dirección como reader@example.org',
  confirmTitle: 'Confirma tu suscripción',
  confirmPrompt: 'Pulsa Confirmar para recibir {publication} por correo.',
  confirmButton: 'Confirmar',
  subscribedTitle: 'Ya estás suscrito',
  subscribed: 'Gracias. {publication} te enviará cada actualización de esta historia.',
  badConfirmLinkTitle: 'Este enlace de confirmación no funciona',
  badConfirmLink:
    'Enlace inesperado: desconocido, caducado (los enlaces valen 7 días) o cortado; se esperaba el enlace completo del mensaje de confirmación. Suscríbete de nuevo para recibir otro.',
  unsubscribeTitle: '¿Darte de baja de {publication}?',
  unsubscribePrompt: 'Pulsa Darse de baja y no se te enviará ninguna actualización más.',
  unsubscribedTitle: 'Te has dado de baja',
  unsubscribed: '{publication} no volverá a escribirte. ¿Has cambiado de opinión?',
  resubscribeButton: 'Volver a suscribirse',
  resubscribedTitle: 'Vuelves a estar suscrito',
  resubscribed:
    'Bienvenido de nuevo. {publication} te enviará cada actualización de esta historia.',
  subscribeAgainTitle: 'Suscribirse de nuevo',
  subscribeAgain: 'Usa el formulario de la página de la historia para suscribirte de nuevo.',
  badUnsubscribeLinkTitle: 'Este enlace de baja no funciona',
  badUnsubscribeLink:
    'Enlace inesperado que no se verifica (modificado, cortado o hecho para otra lista); se esperaba el enlace completo de uno de nuestros mensajes. Usa el enlace de baja al pie del último mensaje, o respóndelo y te quitaremos de la lista.',
  notFoundTitle: 'No encontrado',
  tooManyRequestsTitle: 'Demasiadas solicitudes',
  tooManyRequests:
    'Número inesperado de solicitudes desde tu dirección, se esperaban menos; espera un minuto y vuelve a intentarlo.',
  errorTitle: 'Algo salió mal',
  badRequest:
    'Solicitud inesperada; se esperaba una hecha por el formulario o por un enlace de nuestros mensajes.',
  serverError: 'El servicio no pudo responder; inténtalo de nuevo en un minuto.',
};
