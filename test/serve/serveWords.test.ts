import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/configSchema.js';
import { planCatchUp } from '../../src/edition/planCatchUp.js';
import { catchUpNow, catchUpStory, editionStarts } from '../helpers/catchUpFixture.js';
import { loadForRender } from '../helpers/render.js';
import { confirmTokenIn, publicUrl, serveFixture, siteUrl } from '../helpers/serveFixture.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** The service's config in `locale`, with `labels` on top. */
function configIn(locale: string, labels: Record<string, string> = {}) {
  return configSchema.parse({
    publication: 'The Syria Brief',
    from: 'The Syria Brief <brief@example.org>',
    siteUrl,
    locale,
    labels,
    serve: { publicUrl },
  });
}

describe('the words of serve’s pages and mails', () => {
  it('come from the locale’s catalog: the form, the pages and the confirmation mail', async () => {
    const served = await serveFixture({ app: { config: configIn('fr') } });
    const { fastify } = served.app;
    const formPage = await fastify.inject({ method: 'GET', url: '/subscribe' });
    expect(formPage.body).toContain('Suivre ce sujet par e-mail');
    expect(formPage.body).toContain('Adresse e-mail');
    const answer = await fastify.inject({
      method: 'POST',
      url: '/subscribe',
      headers: form,
      payload: 'email=ada%40example.org',
    });
    expect(answer.body).toContain('Consultez votre boîte de réception');
    expect(answer.body).toContain('Retour à The Syria Brief');
    const [raw] = await served.mails();
    const mail = await simpleParser(raw ?? '');
    expect(mail.subject).toBe('Confirmez votre abonnement à The Syria Brief');
    expect(mail.text).toContain('Pour confirmer, ouvrez ce lien et appuyez sur Confirmer :');
    expect(mail.html).toContain('Confirmer mon abonnement');
    const token = confirmTokenIn(raw ?? '');
    const confirm = await fastify.inject({ method: 'GET', url: `/confirm?token=${token}` });
    expect(confirm.body).toContain('Confirmez votre abonnement');
    const bad = await fastify.inject({ method: 'GET', url: '/unsubscribe?token=forged' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Ce lien de désabonnement ne fonctionne pas');
    const missing = await fastify.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.body).toContain('Page introuvable');
  });

  it('can be set in the config’s labels, over the catalog', async () => {
    const served = await serveFixture({
      app: { config: configIn('en-US', { confirmButton: 'Yes, sign me up' }) },
    });
    const { fastify } = served.app;
    await fastify.inject({
      method: 'POST',
      url: '/subscribe',
      headers: form,
      payload: 'email=ada%40example.org',
    });
    const [raw] = await served.mails();
    const confirm = await fastify.inject({
      method: 'GET',
      url: `/confirm?token=${confirmTokenIn(raw ?? '')}`,
    });
    expect(confirm.body).toContain('>Yes, sign me up</button>');
  });

  it('give the catch-up email its subject in the locale', async () => {
    const { project, story } = await loadForRender(await catchUpStory(), catchUpNow);
    const catchUp = planCatchUp(story, project.editions, editionStarts.third, {
      ...project.config,
      locale: 'de',
    });
    expect(catchUp.subject).toBe('Die Geschichte bisher: Talks Resume in Geneva');
  });
});
