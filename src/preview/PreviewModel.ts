import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { VFileMessage } from 'vfile-message';
import type { Config } from '../config/configSchema.js';
import type { Update } from '../content/Story.js';
import { previewCopy } from '../deliver/previewCopy.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { planEditionById } from '../edition/planEdition.js';
import { loadProject, type Project } from '../project/loadProject.js';
import { ProjectCache } from '../project/ProjectCache.js';
import { renderForProject } from '../project/renderForProject.js';
import { formatUpdateLabel } from '../render/formatUpdateLabel.js';
import { gmailClipBytes } from '../render/lintEdition.js';
import { loadTemplate, type TemplateResult } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { chooseEdition } from '../usecases/chooseEdition.js';

export interface EditionChoice {
  id: string;
  label: string;
  draft: boolean;
  pending: boolean;
}

/** What the preview page shows for one edition, or the problems in its way. */
export interface EditionView {
  version: number;
  id: string | undefined;
  ok: boolean;
  /** `path:line:col: message [rule]` lines: errors when not ok, lint warnings when ok. */
  problems: string[];
  subject: string;
  preheader: string;
  headers: Record<string, string>;
  html: string;
  text: string;
  mjml: string;
  htmlBytes: number;
  clipBytes: number;
  /** The rendered edition, for a test send. */
  rendered?: Rendered;
}

export interface PreviewState {
  version: number;
  /**
   * Names this edition list: the same while saves leave the list as it was,
   * so the page need not fetch (and a story of thousands of updates send)
   * the list again. Unique to this model, so a restarted preview never
   * matches a key a page kept from the last one.
   */
  listKey: string;
  editions: EditionChoice[];
  /** The pending edition, else the newest update's. */
  defaultEdition: string | undefined;
}

/**
 * The preview's view of a content root: reloaded on every change (`refresh`),
 * rendering editions on demand and caching them until the next change.
 */
export class PreviewModel {
  #version = 0;
  #project: Project | undefined;
  #template: TemplateResult | undefined;
  #views = new Map<string, Promise<EditionView>>();
  /**
   * Parsed content and the archive's records between saves: a save re-reads
   * only the files it changed (a story mailed update by update has thousands
   * of each).
   */
  #cache: ProjectCache | undefined;
  #state: PreviewState | undefined;
  #labels = new WeakMap<Update, { key: string; label: string }>();
  readonly #instance = randomBytes(6).toString('hex');

  constructor(
    readonly root: string,
    readonly now: () => Date,
    /** `incremental: false` re-reads every file on each refresh, for the benchmark's before. */
    options: { incremental?: boolean } = {},
  ) {
    this.#cache = options.incremental === false ? undefined : new ProjectCache();
  }

  get version(): number {
    return this.#version;
  }

  /** The content root as last loaded. */
  get project(): Project | undefined {
    return this.#project;
  }

  get config(): Config | undefined {
    return this.#project?.config;
  }

  /** The folder holding the template in use, to watch for changes. */
  get templateDir(): string {
    return this.#template?.template?.dir ?? path.join(this.root, 'templates');
  }

  /**
   * Reload content, config and template; every cached render is dropped.
   * Content files and archive records that did not change keep their parse.
   */
  async refresh(): Promise<void> {
    const project = await loadProject(this.root, this.now(), {
      cache: this.#cache?.content,
      ledgerCache: this.#cache?.ledger,
    });
    const template = await loadTemplate(project.root, project.config);
    this.#project = project;
    this.#template = template;
    this.#views.clear();
    this.#version++;
  }

  /** The state, once per version: the page asks for it on every save. */
  state(): PreviewState {
    if (this.#state?.version !== this.#version) this.#state = this.#computeState();
    return this.#state;
  }

  #computeState(): PreviewState {
    const project = this.#project;
    const story = project?.story;
    if (!project || !story)
      return this.#withList({ version: this.#version, editions: [], defaultEdition: undefined });
    const chosen = chooseEdition(project, { otherwise: 'newest-or-draft' });
    const { locale, timeZone, labels } = project.config;
    const labelKey = JSON.stringify([locale, timeZone, labels]);
    const editions = [...story.updates].reverse().map((u) => ({
      id: u.id,
      label: this.#label(u, labelKey, project.config),
      draft: u.draft,
      pending: !u.draft && !project.sent.has(u.id),
    }));
    return this.#withList({ version: this.#version, editions, defaultEdition: chosen?.edition.id });
  }

  /** `state` with the last state's list and key when its list is the same. */
  #withList(state: Omit<PreviewState, 'listKey'>): PreviewState {
    const last = this.#state;
    if (last && sameChoices(last.editions, state.editions))
      return { ...state, editions: last.editions, listKey: last.listKey };
    return { ...state, listKey: `${this.#instance}-${state.version}` };
  }

  /**
   * An update's label in the list, kept with the update: an unchanged file
   * keeps its parsed `Update` between saves, so a save labels only what it
   * changed (a label costs locale lookups, and a story has thousands).
   */
  #label(update: Update, key: string, config: Config): string {
    const known = this.#labels.get(update);
    if (known?.key === key) return known.label;
    const label = `${formatUpdateLabel(update, config)} ${update.headline ?? ''}`.trim();
    this.#labels.set(update, { key, label });
    return label;
  }

  /** The edition last asked for: the one to render first after a save. */
  lastViewed: string | undefined;

  /** The edition led by update `id` (default: the pending one), rendered once per version. */
  view(id?: string): Promise<EditionView> {
    const key = id || this.state().defaultEdition || '';
    this.lastViewed = key || undefined;
    let view = this.#views.get(key);
    if (!view) {
      view = this.#render(key || undefined);
      this.#views.set(key, view);
    }
    return view;
  }

  async #render(id: string | undefined): Promise<EditionView> {
    const project = this.#project;
    const template = this.#template;
    const version = this.#version;
    const failed = (problems: VFileMessage[]): EditionView => ({
      version,
      id,
      ok: false,
      problems: problems.map((p) => formatProblem(p, this.root)),
      subject: '',
      preheader: '',
      headers: {},
      html: '',
      text: '',
      mjml: '',
      htmlBytes: 0,
      clipBytes: gmailClipBytes,
    });
    if (!project || !template) return failed([]);
    const loadProblems = collectProblems([...project.files, ...template.files]);
    if (!project.story || loadProblems.some((p) => p.fatal)) return failed(loadProblems);
    const { story, config, sent } = project;
    const edition = id
      ? planEditionById(story, id, sent, config, project.inProgress)
      : chooseEdition(project, { otherwise: 'newest-or-draft' })?.edition;
    if (!edition) {
      return {
        ...failed([]),
        problems: [
          id
            ? `No update with id ${id}`
            : 'The story has no updates yet: `storyline new <headline>` writes one',
        ],
      };
    }
    const result = await renderForProject(project, edition, template);
    if (!result.rendered) return failed(collectProblems(result.files));
    const rendered = result.rendered;
    const message = previewCopy(rendered, config, this.now());
    const { headers } = message;
    return {
      version,
      id: edition.id,
      ok: true,
      problems: [...loadProblems, ...collectProblems(result.files)].map((p) =>
        formatProblem(p, this.root),
      ),
      subject: rendered.subject,
      preheader: rendered.preheader,
      headers,
      html: message.html,
      text: message.text,
      mjml: rendered.mjml,
      htmlBytes: Buffer.byteLength(message.html),
      clipBytes: gmailClipBytes,
      rendered,
    };
  }
}

function sameChoices(a: readonly EditionChoice[], b: readonly EditionChoice[]): boolean {
  return (
    a.length === b.length &&
    a.every((choice, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        choice.id === other.id &&
        choice.label === other.label &&
        choice.draft === other.draft &&
        choice.pending === other.pending
      );
    })
  );
}
