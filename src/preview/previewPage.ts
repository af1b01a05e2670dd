import { forceDark } from './forceDark.js';

/**
 * The preview app: one static page. It asks the server for the state and
 * the chosen edition's view, and listens on `/events` for re-renders, so the
 * view, the edition and the scroll position survive every save.
 */
export const previewPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>storyline preview</title>
<style>
  :root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color: #1f2328; }
  body { margin: 0; background: #eceae5; }
  header { position: sticky; top: 0; z-index: 2; background: #1f2328; color: #f3f1ec; padding: 8px 12px; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
  header h1 { font-size: 14px; margin: 0; font-weight: 700; }
  header select, header input, header button { font: inherit; }
  nav button { background: transparent; color: inherit; border: 1px solid #5b5f66; border-radius: 4px; padding: 3px 9px; cursor: pointer; }
  nav button[aria-pressed="true"] { background: #f3f1ec; color: #1f2328; }
  #status { margin-left: auto; font-size: 12px; color: #b8b4ac; }
  #meta { background: #fff; border-bottom: 1px solid #d8d4cc; padding: 8px 12px; display: grid; gap: 4px; }
  #subject { font-weight: 700; }
  #preheader { color: #6b645a; }
  .bar { height: 6px; background: #e6e3dd; border-radius: 3px; overflow: hidden; max-width: 420px; }
  .bar span { display: block; height: 100%; background: #2d6a8f; }
  .bar.over span { background: #a4312a; }
  main { padding: 16px; }
  .frame-wrap { margin: 0 auto; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  iframe { border: 0; width: 100%; height: calc(100vh - 170px); display: block; background: #fff; }
  pre { background: #fff; padding: 16px; margin: 0; white-space: pre-wrap; word-break: break-word; font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; }
  #errors { background: #fff4f2; border: 1px solid #e2a59d; color: #6e1f18; padding: 12px 16px; margin: 0 0 16px; }
  #errors:empty, #lints:empty { display: none; }
  #errors h2, #lints h2 { font-size: 14px; margin: 0 0 8px; }
  #errors li, #lints li { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; margin: 0 0 4px; }
  #lints { background: #fffbe6; border: 1px solid #e6d48a; padding: 12px 16px; margin: 0 0 16px; }
  table { border-collapse: collapse; background: #fff; }
  th, td { text-align: left; vertical-align: top; padding: 6px 12px; border-bottom: 1px solid #e6e3dd; font-size: 13px; }
  th { white-space: nowrap; color: #6b645a; }
  td { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
  [hidden] { display: none !important; }
  form { display: flex; gap: 6px; align-items: center; }
</style>
</head>
<body>
<header>
  <h1>storyline preview</h1>
  <label>Edition <select id="edition"></select></label>
  <nav id="views">
    <button data-view="desktop">Desktop</button>
    <button data-view="mobile">Mobile</button>
    <button data-view="dark">Dark</button>
    <button data-view="text">Plain text</button>
    <button data-view="source">Source</button>
    <button data-view="headers">Headers</button>
    <button data-view="lints">Lints</button>
  </nav>
  <form id="test-send">
    <input id="test-to" type="email" placeholder="you@example.org" required aria-label="Send a test to">
    <button type="submit">Send test</button>
  </form>
  <span id="status" role="status">connecting…</span>
</header>
<section id="meta">
  <div id="subject"></div>
  <div id="preheader"></div>
  <div id="size"><div class="bar"><span></span></div><small></small></div>
</section>
<main>
  <div id="errors"></div>
  <div id="lints-inline"></div>
  <div id="pane-email" class="frame-wrap"><iframe id="frame" title="email" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe></div>
  <pre id="pane-text" hidden></pre>
  <div id="pane-source" hidden><h2>MJML</h2><pre id="source-mjml"></pre><h2>HTML</h2><pre id="source-html"></pre></div>
  <table id="pane-headers" hidden></table>
  <div id="pane-lints" hidden><div id="lints"></div><p id="no-lints" hidden>No lint warnings.</p></div>
</main>
<script>
const forceDark = ${forceDark.toString()};
const $ = (id) => document.getElementById(id);
const saved = JSON.parse(sessionStorage.getItem('storyline-preview') || '{}');
let view = saved.view || 'desktop';
let edition = saved.edition || '';
let current = null;

function remember() { sessionStorage.setItem('storyline-preview', JSON.stringify({ view, edition })); }
function list(items) { const ul = document.createElement('ul'); for (const item of items) { const li = document.createElement('li'); li.textContent = item; ul.append(li); } return ul; }

function showView() {
  for (const button of document.querySelectorAll('#views button')) button.setAttribute('aria-pressed', String(button.dataset.view === view));
  const email = view === 'desktop' || view === 'mobile' || view === 'dark';
  $('pane-email').hidden = !email || !current || !current.ok;
  $('pane-email').style.maxWidth = view === 'mobile' ? '375px' : '100%';
  $('pane-text').hidden = view !== 'text';
  $('pane-source').hidden = view !== 'source';
  $('pane-headers').hidden = view !== 'headers';
  $('pane-lints').hidden = view !== 'lints';
  remember();
}

let shownList = '';
let editions = [];
async function loadState() {
  // A save seldom changes the list: the server leaves it out while it is the
  // one shown, so a story of thousands of updates neither sends nor rebuilds
  // thousands of options on every save.
  const state = await (await fetch('/api/state?list=' + encodeURIComponent(shownList))).json();
  const select = $('edition');
  if (state.editions) {
    shownList = state.listKey;
    editions = state.editions;
    select.replaceChildren();
    for (const choice of editions) {
      const option = document.createElement('option');
      option.value = choice.id;
      option.textContent = (choice.pending ? '● ' : '') + choice.label + (choice.draft ? ' (draft)' : '');
      select.append(option);
    }
  }
  if (!editions.some((e) => e.id === edition)) edition = state.defaultEdition || '';
  select.value = edition;
}

// The scroll position a frame still loading is to be given: a save that
// arrives before the last frame has loaded (its images still coming) must
// not take that frame's scroll of 0. A frame the reader scrolled while its
// images came says where it is itself, and its load does not move it back.
let pendingScroll = null;

async function loadView() {
  const frame = $('frame');
  let scroll = 0;
  try { scroll = frame.contentWindow.scrollY; } catch {}
  if (pendingScroll !== null && scroll === 0) scroll = pendingScroll;
  const data = await (await fetch('/api/view?edition=' + encodeURIComponent(edition))).json();
  current = data;
  if (!edition && data.id) { edition = data.id; $('edition').value = edition; }
  $('errors').replaceChildren();
  if (!data.ok) {
    const heading = document.createElement('h2');
    heading.textContent = 'The email cannot be rendered until these are fixed:';
    $('errors').append(heading, list(data.problems));
  }
  $('subject').textContent = data.ok ? 'Subject: ' + data.subject : '';
  $('preheader').textContent = data.ok ? 'Preheader: ' + data.preheader : '';
  const share = data.htmlBytes / data.clipBytes;
  $('size').querySelector('.bar').classList.toggle('over', share > 1);
  $('size').querySelector('span').style.width = Math.min(100, share * 100).toFixed(1) + '%';
  $('size').querySelector('small').textContent = data.ok ? 'HTML ' + (data.htmlBytes / 1024).toFixed(1) + ' KB of Gmail’s ' + (data.clipBytes / 1024) + ' KB clip' : '';
  $('pane-text').textContent = data.text;
  $('source-mjml').textContent = data.mjml;
  $('source-html').textContent = data.html;
  const rows = Object.entries(data.headers).map(([k, v]) => { const tr = document.createElement('tr'); const th = document.createElement('th'); th.textContent = k; const td = document.createElement('td'); td.textContent = v; tr.append(th, td); return tr; });
  $('pane-headers').replaceChildren(...rows);
  $('lints').replaceChildren();
  if (data.ok && data.problems.length) { const h = document.createElement('h2'); h.textContent = data.problems.length + ' lint warning(s)'; $('lints').append(h, list(data.problems)); }
  $('no-lints').hidden = !data.ok || data.problems.length > 0;
  document.querySelector('[data-view="lints"]').textContent = data.ok && data.problems.length ? 'Lints (' + data.problems.length + ')' : 'Lints';
  if (data.ok) {
    pendingScroll = scroll;
    frame.onload = () => { pendingScroll = null; try { if (frame.contentWindow.scrollY === 0) frame.contentWindow.scrollTo(0, scroll); } catch {} };
    frame.srcdoc = view === 'dark' ? forceDark(data.frameHtml) : data.frameHtml;
  }
  document.body.dataset.version = String(data.version);
  showView();
}

async function refresh() { const state = loadState(); await loadView(); await state; }

$('views').addEventListener('click', (event) => {
  const next = event.target.closest('button')?.dataset.view;
  if (!next) return;
  const reload = (next === 'dark') !== (view === 'dark');
  view = next;
  if (reload) loadView(); else showView();
});
$('edition').addEventListener('change', (event) => { edition = event.target.value; remember(); loadView(); });
$('test-send').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('status').textContent = 'sending test…';
  const response = await fetch('/api/test-send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edition, to: $('test-to').value }) });
  const result = await response.json();
  $('status').textContent = result.ok ? 'test sent: ' + result.description : 'test failed: ' + result.error;
});

const events = new EventSource('/events');
events.addEventListener('render', () => refresh());
events.onopen = () => { $('status').textContent = 'live'; };
events.onerror = () => { $('status').textContent = 'disconnected: is storyline preview still running?'; };
refresh();
</script>
</body>
</html>
`;
