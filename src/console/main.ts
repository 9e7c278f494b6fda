/// <reference lib="dom" />
/**
 * The audit console: plain DOM, no framework. Bundled by esbuild into dist/console/main.js at
 * `npm run build`; served under a CSP without 'unsafe-inline' (no inline script, style or handler).
 * It calls the API with the bearer token kept in this tab's session storage, like any client.
 */
import { diffRows } from './diff.js';

const TOKEN_KEY = 'tessera.console.token';
const PAGE_SIZE = 50;
const FILTERS = ['actorId', 'action', 'resourceType', 'resourceId', 'requestId', 'from', 'to'] as const;

interface Entry {
  id: string;
  actorId: string;
  actorRoles: string[];
  action: string;
  resourceType: string;
  resourceId: string | null;
  details: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  createdAt: string;
  /** Null until the entry is sealed into its chain (within seconds of its commit). */
  chain: number | null;
  chainSeq: number | null;
  hash: string | null;
}
interface Problem {
  status: number;
  detail?: string;
  errors?: { field: string; messages: string[] }[];
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? `HTTP ${problem.status}`);
  }
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

async function api(path: string, params: Record<string, string> = {}): Promise<Response> {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== ''));
  const response = await fetch(`/api/${path}${query.size ? `?${query}` : ''}`, {
    headers: { Authorization: `Bearer ${token() ?? ''}`, Accept: 'application/json' },
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    throw new ApiError({ ...problem, status: response.status });
  }
  return response;
}
const getJson = async <T>(path: string, params?: Record<string, string>) => (await (await api(path, params)).json()) as T;

/** The filters of the current URL: what a shared link shows. */
function currentFilters(): Record<string, string> {
  const search = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.map((name) => [name, search.get(name) ?? '']).filter(([, value]) => value !== ''));
}

function show(view: 'signin' | 'denied' | 'console') {
  for (const id of ['signin', 'denied', 'console']) $(id).hidden = id !== view;
  const signedIn = view !== 'signin';
  $('signout').hidden = !signedIn;
  $('who').hidden = !signedIn;
  if (signedIn) {
    const claims = decodeClaims(token() ?? '');
    $('who').textContent = claims ? `${claims.sub ?? '?'} · tenant ${claims.tenant_id ?? '?'}` : '';
  }
}

function decodeClaims(jwt: string): { sub?: string; tenant_id?: string } | undefined {
  try {
    const part = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part)) as { sub?: string; tenant_id?: string };
  } catch {
    return undefined;
  }
}

const formatTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const toLocalInput = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};

// ---- sign-in ----------------------------------------------------------------------------------

async function start(): Promise<void> {
  if (!token()) {
    show('signin');
    void offerDevTokens();
    return;
  }
  try {
    await api('audit-logs', { limit: '1' });
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 403) return show('denied');
    sessionStorage.removeItem(TOKEN_KEY);
    show('signin');
    $('signin-error').textContent =
      error instanceof ApiError && error.problem.status === 401
        ? 'The server refused this token (expired, or not signed for this server).'
        : `Cannot reach the API: ${(error as Error).message}`;
    void offerDevTokens();
    return;
  }
  show('console');
  fillFilterForm();
  await Promise.all([loadEntries(true), loadChart()]);
  const entry = new URLSearchParams(location.search).get('entry');
  if (entry) void openEntry(entry);
}

async function offerDevTokens(): Promise<void> {
  const response = await fetch('/console/dev-token').catch(() => undefined);
  $('dev-form').hidden = !response?.ok;
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $<HTMLTextAreaElement>('token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  $<HTMLTextAreaElement>('token').value = '';
  $('signin-error').textContent = '';
  void start();
});

$('dev-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = {
    tenant: $<HTMLInputElement>('dev-tenant').value.trim(),
    sub: $<HTMLInputElement>('dev-sub').value.trim(),
    roles: $<HTMLInputElement>('dev-admin').checked ? ['admin'] : [],
  };
  const response = await fetch('/console/dev-token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { token?: string } & Problem;
  if (!response.ok || !answer.token) {
    $('signin-error').textContent = answer.errors?.flatMap((error) => error.messages).join('; ') ?? answer.detail ?? 'No token';
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, answer.token);
  $('signin-error').textContent = '';
  void start();
});

$('signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.assign(location.pathname);
});

// ---- filters, kept in the URL -----------------------------------------------------------------

function fillFilterForm(): void {
  const form = $<HTMLFormElement>('filters');
  const filters = currentFilters();
  for (const name of FILTERS) {
    const input = form.elements.namedItem(name) as HTMLInputElement;
    const value = filters[name] ?? '';
    input.value = name === 'from' || name === 'to' ? (value ? toLocalInput(value) : '') : value;
  }
}

function navigate(filters: Record<string, string>, entry?: string): void {
  const search = new URLSearchParams(filters);
  if (entry) search.set('entry', entry);
  history.pushState(null, '', `${location.pathname}${search.size ? `?${search}` : ''}`);
  fillFilterForm();
  void loadEntries(true);
  void loadChart();
}

$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(event.target as HTMLFormElement);
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = String(data.get(name) ?? '').trim();
    if (!value) continue;
    filters[name] = name === 'from' || name === 'to' ? new Date(value).toISOString() : value;
  }
  navigate(filters);
});
$('clear').addEventListener('click', () => navigate({}));
window.addEventListener('popstate', () => {
  if (token()) {
    fillFilterForm();
    void loadEntries(true);
    void loadChart();
  }
});

// ---- the log ----------------------------------------------------------------------------------

let nextCursor: string | null = null;
let loading = 0;

async function loadEntries(reset: boolean): Promise<void> {
  const run = ++loading;
  const body = $('entries').querySelector('tbody')!;
  const status = $('list-status');
  $('filter-error').textContent = '';
  if (reset) {
    nextCursor = null;
    body.replaceChildren();
  }
  status.textContent = 'Loading…';
  try {
    const page = await getJson<{ items: Entry[]; nextCursor: string | null }>('audit-logs', {
      ...currentFilters(),
      limit: String(PAGE_SIZE),
      ...(nextCursor && !reset ? { cursor: nextCursor } : {}),
    });
    if (run !== loading) return;
    for (const entry of page.items) body.append(entryRow(entry));
    nextCursor = page.nextCursor;
    $('more').hidden = !nextCursor;
    status.textContent =
      body.children.length === 0
        ? 'No entries match these filters.'
        : `${body.children.length} entries shown${nextCursor ? '' : ' (all)'}.`;
  } catch (error) {
    status.textContent = '';
    $('filter-error').textContent = problemText(error);
  }
}

function problemText(error: unknown): string {
  if (error instanceof ApiError)
    return [error.problem.detail, ...(error.problem.errors ?? []).flatMap((item) => item.messages)].filter(Boolean).join(' ');
  return (error as Error).message;
}

function entryRow(entry: Entry): HTMLTableRowElement {
  const row = el('tr');
  row.tabIndex = 0;
  row.dataset.id = entry.id;
  const time = el('td');
  time.dataset.label = 'Time';
  const stamp = el('time', formatTime(entry.createdAt));
  stamp.dateTime = entry.createdAt;
  stamp.title = entry.createdAt;
  time.append(stamp);
  const cells: [string, string][] = [
    ['Actor', entry.actorId],
    ['Action', entry.action],
    ['Resource', `${entry.resourceType}${entry.resourceId ? ` ${entry.resourceId}` : ''}`],
    ['Request', entry.requestId ?? '—'],
  ];
  row.append(
    time,
    ...cells.map(([label, text]) => {
      const cell = el('td', text, label === 'Request' || label === 'Resource' ? 'mono' : undefined);
      cell.dataset.label = label;
      return cell;
    }),
  );
  row.setAttribute('aria-label', `${entry.action} by ${entry.actorId} at ${formatTime(entry.createdAt)}: open details`);
  const open = () => openEntry(entry.id, entry);
  row.addEventListener('click', open);
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      void open();
    }
  });
  return row;
}
$('more').addEventListener('click', () => void loadEntries(false));
// Infinite scroll: the next page loads when "Load more" comes into view (the button stays for keyboards).
new IntersectionObserver((seen) => {
  if (seen.some((item) => item.isIntersecting) && nextCursor) void loadEntries(false);
}).observe($('more'));

// ---- the detail panel -------------------------------------------------------------------------

let opener: HTMLElement | null = null;

async function openEntry(id: string, known?: Entry): Promise<void> {
  opener = document.activeElement as HTMLElement | null;
  let entry: Entry;
  try {
    entry = known ?? (await getJson<Entry>(`audit-logs/${encodeURIComponent(id)}`));
  } catch (error) {
    $('filter-error').textContent = problemText(error);
    return;
  }
  const search = new URLSearchParams(location.search);
  search.set('entry', entry.id);
  history.replaceState(null, '', `${location.pathname}?${search}`);
  $('detail-title').textContent = `${entry.action} · ${entry.resourceType}`;
  const facts = $('detail-facts');
  facts.replaceChildren();
  const fact = (term: string, value: Node | string) => {
    facts.append(el('dt', term));
    const dd = el('dd');
    dd.append(value);
    facts.append(dd);
  };
  fact('Time', `${formatTime(entry.createdAt)} (${entry.createdAt})`);
  fact('Actor', `${entry.actorId}${entry.actorRoles.length ? ` (${entry.actorRoles.join(', ')})` : ''}`);
  fact('Resource', `${entry.resourceType} ${entry.resourceId ?? ''}`.trim());
  fact('IP address', entry.ipAddress ?? '—');
  fact('User agent', entry.userAgent ?? '—');
  if (entry.requestId) {
    const link = el('a', `${entry.requestId} — all entries of this request`);
    link.href = `?${new URLSearchParams({ requestId: entry.requestId })}`;
    link.id = 'same-request';
    link.addEventListener('click', (event) => {
      event.preventDefault();
      closeEntry();
      navigate({ requestId: entry.requestId! });
    });
    fact('Request', link);
  } else {
    fact('Request', '—');
  }
  fact('Chain', entry.hash === null ? 'not sealed yet' : `${entry.chain} #${entry.chainSeq}, hash ${entry.hash.slice(0, 16)}…`);
  const rows = diffRows(entry.details.changes);
  const body = $('diff').querySelector('tbody')!;
  body.replaceChildren(
    ...rows.map((change) => {
      const row = el('tr', undefined, change.kind);
      row.append(el('td', change.field), el('td', change.before), el('td', change.after));
      return row;
    }),
  );
  $('diff').hidden = rows.length === 0;
  $('no-changes').hidden = rows.length > 0;
  const { changes: _changes, ...rest } = entry.details;
  $('detail-json').textContent = JSON.stringify(rest, null, 2);
  $('detail').hidden = false;
  $('detail-close').focus();
}

function closeEntry(): void {
  $('detail').hidden = true;
  const search = new URLSearchParams(location.search);
  search.delete('entry');
  history.replaceState(null, '', `${location.pathname}${search.size ? `?${search}` : ''}`);
  opener?.focus();
}
$('detail-close').addEventListener('click', closeEntry);
$('detail').addEventListener('click', (event) => {
  if (event.target === $('detail')) closeEntry();
});
document.addEventListener('keydown', (event) => {
  if ($('detail').hidden) return;
  if (event.key === 'Escape') closeEntry();
  if (event.key === 'Tab') {
    // Keep focus inside the dialog.
    const focusable = [...$('detail').querySelectorAll<HTMLElement>('a[href], button')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }
});

// ---- verify -----------------------------------------------------------------------------------

$('verify').addEventListener('click', async () => {
  const button = $<HTMLButtonElement>('verify');
  const progress = $<HTMLProgressElement>('verify-progress');
  const result = $('verify-result');
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  result.className = '';
  result.textContent = 'Verifying…';
  try {
    const { count: total } = await getJson<{ count: number }>('audit-logs/count');
    progress.max = Math.max(total, 1);
    let checked = 0;
    let unsealed = 0;
    let from: string | undefined;
    for (;;) {
      const report = await getJson<{
        ok: boolean;
        checked: number;
        unsealed: number;
        complete: boolean;
        nextFrom?: string;
        firstBrokenEntryId?: string;
        problem?: string;
      }>('audit-logs/verify', from ? { from } : {});
      checked += report.checked;
      unsealed += report.unsealed;
      progress.value = Math.min(checked, progress.max);
      result.textContent = `Verifying… ${checked} of about ${total} entries checked.`;
      if (!report.ok) {
        result.className = 'error';
        result.textContent = `Broken after ${checked} entries: ${report.problem ?? ''} `;
        const link = el('a', `Open entry ${report.firstBrokenEntryId}`);
        link.href = `?entry=${report.firstBrokenEntryId}`;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          void openEntry(report.firstBrokenEntryId!);
        });
        result.append(link);
        break;
      }
      if (report.complete || !report.nextFrom) {
        progress.value = progress.max;
        result.className = 'ok';
        result.textContent = `Intact: all ${checked} entries match their hashes and chain links${unsealed ? ` (${unsealed} committed meanwhile, not sealed yet)` : ''}.`;
        break;
      }
      from = report.nextFrom;
    }
  } catch (error) {
    result.className = 'error';
    result.textContent = `Verification failed: ${problemText(error)}`;
  } finally {
    button.disabled = false;
  }
});

// ---- export -----------------------------------------------------------------------------------

$('export').addEventListener('click', async () => {
  const format = $<HTMLSelectElement>('export-format').value;
  const result = $('export-result');
  const button = $<HTMLButtonElement>('export');
  button.disabled = true;
  result.textContent = 'Exporting…';
  try {
    const response = await api('audit-logs/export', { ...currentFilters(), format });
    // The body is read as it streams in (progress shown), then handed to the browser as a download.
    const reader = response.body!.getReader();
    const chunks: BlobPart[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
      result.textContent = `Exporting… ${bytes.toLocaleString()} bytes`;
    }
    const url = URL.createObjectURL(new Blob(chunks, { type: response.headers.get('content-type') ?? 'application/octet-stream' }));
    const link = el('a');
    link.href = url;
    link.download = `audit-log-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.${format}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    result.textContent = `Exported ${bytes.toLocaleString()} bytes as ${format.toUpperCase()}.`;
  } catch (error) {
    result.textContent = `Export failed: ${problemText(error)}`;
  } finally {
    button.disabled = false;
  }
});

// ---- activity chart ---------------------------------------------------------------------------

interface Stats {
  from: string;
  to: string;
  bucket: string;
  families: string[];
  total: number;
  buckets: { start: string; total: number; counts: Record<string, number> }[];
}
const SVG = 'http://www.w3.org/2000/svg';

async function loadChart(): Promise<void> {
  const bucket = $<HTMLSelectElement>('bucket').value;
  const filters = currentFilters();
  const range: Record<string, string> = { bucket };
  if (filters.from) range.from = filters.from;
  if (filters.to) range.to = filters.to;
  const chart = $('chart');
  try {
    const stats = await getJson<Stats>('audit-logs/stats', range);
    drawChart(chart, stats);
    $('chart-note').textContent =
      `${stats.total} entries from ${formatTime(stats.from)} to ${formatTime(stats.to)}, per ${stats.bucket} (UTC buckets).`;
  } catch (error) {
    chart.replaceChildren();
    $('chart-note').textContent = problemText(error);
  }
}
$('bucket').addEventListener('change', () => void loadChart());

function setAttributes(element: Element, attributes: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
}

function drawChart(chart: HTMLElement, stats: Stats): void {
  const width = 800;
  const height = 180;
  const bottom = 20;
  const left = 34;
  const max = Math.max(1, ...stats.buckets.map((slot) => slot.total));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute(
    'aria-label',
    `Entries per ${stats.bucket}: ${stats.total} in all; ${stats.families.map((family) => `${family} ${stats.buckets.reduce((sum, slot) => sum + (slot.counts[family] ?? 0), 0)}`).join(', ') || 'none'}`,
  );
  const line = document.createElementNS(SVG, 'line');
  setAttributes(line, { x1: left, x2: width, y1: height - bottom, y2: height - bottom, class: 'axis' });
  svg.append(line);
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('x', '0');
  label.setAttribute('y', '12');
  label.textContent = String(max);
  svg.append(label);
  const slotWidth = (width - left) / Math.max(stats.buckets.length, 1);
  stats.buckets.forEach((slot, index) => {
    let y = height - bottom;
    stats.families.forEach((family, familyIndex) => {
      const count = slot.counts[family] ?? 0;
      if (!count) return;
      const barHeight = (count / max) * (height - bottom - 16);
      y -= barHeight;
      const rect = document.createElementNS(SVG, 'rect');
      setAttributes(rect, {
        x: left + index * slotWidth + 1,
        y,
        width: Math.max(slotWidth - 2, 1),
        height: barHeight,
        class: `f${familyIndex % 8}`,
      });
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${formatTime(slot.start)}: ${family} ${count}`;
      rect.append(title);
      svg.append(rect);
    });
  });
  const legend = el('ul', undefined, 'legend');
  stats.families.forEach((family, index) => {
    const item = el('li', undefined, `f${index % 8}`);
    item.append(el('span', family));
    legend.append(item);
  });
  chart.replaceChildren(svg, legend);
}

void start();
