// Tally's dashboard: plain JavaScript over the API under /api/v1, refreshed as often as the server reads its overview.
// The verdicts, their colours and that interval come from /api/v1/meta: this file keeps no copy of them.
'use strict';

const MAX_TOPIC_ROWS = 100; // worst first: a fleet of thousands of topics shows its worst, the filter finds the rest
const state = { topic: null, cell: null, discrepancy: null, charts: {}, meta: null, verdicts: {}, timer: null };

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  children.forEach((c) => e.append(c));
  return e;
};
const fmtTime = (ms) => (ms == null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z'));
const fmtClock = (ms) => new Date(ms).toISOString().substring(11, 16);
// compact UTC time for tables: 11-30 13:52:00Z
const fmtShort = (ms) => (ms == null ? '—' : new Date(ms).toISOString().substring(5, 19).replace('T', ' ') + 'Z');
const fmtCount = (n) => (n == null ? '—' : n.toLocaleString('en-US'));
const fmtPercent = (x) => (x == null ? '—' : (Math.floor(x * 100000) / 1000).toFixed(3) + ' %');
const fmtSeconds = (s) => (s == null ? '—' : s < 120 ? s.toFixed(1) + ' s' : (s / 60).toFixed(1) + ' min');

class Unauthorized extends Error {}

async function api(path) {
  const token = sessionStorage.getItem('tally.token');
  const response = await fetch(path, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
  if (response.status === 401) throw new Unauthorized();
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function askToken() {
  $('#token-button').hidden = false;
  const dialog = $('#token-dialog');
  if (!dialog.open) dialog.showModal();
}

// the verdicts and the refresh interval, once: then the legend is drawn and the refreshes start
async function loadMeta() {
  const meta = await api('/api/v1/meta');
  state.verdicts = Object.fromEntries(meta.verdicts.map((v) => [v.name, v]));
  // .good and .bad take their colours from these
  meta.verdicts.forEach((v) => document.documentElement.style.setProperty('--' + v.name, v.colour));
  $('#legend').replaceChildren(...meta.verdicts.map((v) => el('span', { style: '--c: ' + fill(v.name), text: v.name })));
  state.meta = meta;
  if (!state.timer) state.timer = setInterval(refresh, meta.refreshMs);
}

// the background of a verdict's heatmap cells and legend swatch
function fill(verdict) {
  const v = state.verdicts[verdict];
  if (!v) return '';
  return v.stripes ? 'repeating-linear-gradient(45deg, ' + v.colour + ', ' + v.colour + ' 3px, ' + v.stripes + ' 3px, '
    + v.stripes + ' 6px)' : v.colour;
}

function badge(kind, text) {
  const v = state.verdicts[kind];
  return el('span', { class: 'badge', 'data-kind': kind, text,
    style: v ? 'background: ' + v.colour + '; color: ' + v.textColour : '' });
}

function setStatus(text, error) {
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('error', !!error);
}

async function refresh() {
  try {
    const [, topics, tiers, discrepancies] = await Promise.all([
      state.meta || loadMeta(), // the first time only, beside the rest: the figures are drawn once it is there
      api('/api/v1/topics?limit=' + MAX_TOPIC_ROWS + '&match=' + encodeURIComponent($('#topic-filter').value.trim())),
      api('/api/v1/tiers?detail=false'),
      api('/api/v1/discrepancies?limit=50' + ($('#discrepancy-status').value ? '&status=' + $('#discrepancy-status').value : '')),
    ]);
    renderTopics(topics);
    renderTiers(tiers);
    renderDiscrepancies(discrepancies);
    if (!state.topic && topics.topics.length) state.topic = topics.topics[0].topic;
    if (state.topic) await renderTopic(state.topic);
    setStatus('updated ' + new Date().toLocaleTimeString() + ' · ' + topics.topics.length + ' topics');
    if (!performance.getEntriesByName('tally:first-data').length) performance.mark('tally:first-data');
  } catch (e) {
    if (e instanceof Unauthorized) { setStatus('a token is needed', true); askToken(); } else setStatus('error: ' + e.message, true);
  }
}

function renderTopics(data) {
  const body = $('#topics tbody');
  const filter = $('#topic-filter').value.trim();
  const shown = data.topics;
  $('#topic-count').textContent = shown.length < data.total || filter
    ? 'showing ' + shown.length + ' of ' + fmtCount(data.total) + (filter ? ' matching' : '') : '';
  body.replaceChildren(...shown.map((t) => {
    const open = el('td');
    Object.entries(t.openByKind).forEach(([kind, n]) => open.append(badge(kind, kind + ' ' + n)));
    if (!t.openDiscrepancies) open.append(el('span', { class: 'good', text: 'none' }));
    const cls = t.completeness == null ? '' : t.completeness < 1 ? 'bad' : 'good';
    const row = el('tr', { 'data-topic': t.topic, class: t.topic === state.topic ? 'selected' : '' },
      el('td', { text: t.topic }),
      el('td', { class: 'num completeness ' + cls, text: fmtPercent(t.completeness) }),
      open,
      el('td', { text: fmtShort(t.lastJudgedBucket) }),
      el('td', { class: 'tiers', title: t.tiers.join('\n') }, el('div', { text: t.tiers.join(', ') })));
    row.addEventListener('click', () => { state.topic = t.topic; state.cell = null; refresh(); });
    return row;
  }));
}

async function renderTopic(topic) {
  const range = Number($('#range').value);
  const now = Date.now();
  const report = await api('/api/v1/topics/' + encodeURIComponent(topic) + '/buckets?from=' + (now - range) + '&to=' + now);
  $('#topic-section').hidden = false;
  $('#topic-name').textContent = topic;
  renderHeatmap(report);
  renderLatency(report);
}

function renderHeatmap(report) {
  const table = el('table', { id: 'heatmap-table' });
  const head = el('tr', {}, el('th'));
  report.buckets.forEach((b, i) => head.append(el('th', { class: 'axis', text: i % 10 === 0 ? fmtClock(b.bucketStart) : '' })));
  table.append(head);
  report.edges.forEach((edge, e) => {
    const row = el('tr', {}, el('th', { text: edge }));
    report.buckets.forEach((b) => {
      const x = b.edges[e];
      const verdict = x.verdict && state.verdicts[x.verdict] ? x.verdict : 'none';
      const key = b.bucketStart + '|' + edge;
      const cell = el('td', {
        class: 'cell v-' + verdict + (state.cell === key ? ' selected' : ''),
        style: verdict === 'none' ? '' : 'background: ' + fill(verdict),
        'data-verdict': verdict, 'data-bucket': b.bucketStart, 'data-edge': edge,
        title: fmtTime(b.bucketStart) + ' ' + edge + ': ' + (x.verdict || 'not judged yet') + ' · '
          + fmtCount(x.upstreamCount) + ' → ' + fmtCount(x.downstreamCount) + (x.reason ? '\n' + x.reason : ''),
      });
      cell.addEventListener('click', () => { state.cell = key; showCell(b, x, edge); renderHeatmap(report); });
      row.append(cell);
    });
    table.append(row);
  });
  $('#heatmap').replaceChildren(report.buckets.length ? table : el('p', { class: 'hint', text: 'no buckets in this range' }));
}

function showCell(bucket, x, edge) {
  const d = $('#cell-detail');
  d.hidden = false;
  d.replaceChildren(
    el('div', {}, el('strong', { text: edge + ' · ' + fmtTime(bucket.bucketStart) + ' – ' + fmtTime(bucket.bucketEnd) })),
    el('div', { text: 'upstream ' + fmtCount(x.upstreamCount) + ' · downstream ' + fmtCount(x.downstreamCount)
      + ' · ' + (x.verdict ? x.verdict + (x.isFinal ? '' : ' (not final)') : 'not judged yet') }),
    el('div', { class: 'reason', text: x.reason || '' }));
}

function renderLatency(report) {
  if (!window.echarts) return;
  const series = [];
  report.tiers.forEach((tier) => {
    ['p99', 'p50'].forEach((p) => {
      const data = report.buckets.filter((b) => b.tiers[tier] && b.tiers[tier].latencyMs)
        .map((b) => [b.bucketStart, Math.round(b.tiers[tier].latencyMs[p])]);
      // a lone point draws no line: show the points while there are few
      series.push({ name: tier + ' ' + p, type: 'line', showSymbol: data.length < 20, symbolSize: 5,
        lineStyle: p === 'p50' ? { type: 'dashed' } : {}, data });
    });
  });
  // the time axis spans the buckets that have figures, not the whole range asked for; a lone bucket gets one on each side
  const times = series.flatMap((s) => s.data.map(([t]) => t));
  let min = times.length ? Math.min(...times) : report.from;
  let max = times.length ? Math.max(...times) : report.to;
  if (min === max) {
    const b = report.buckets[0];
    min -= b.bucketEnd - b.bucketStart;
    max += b.bucketEnd - b.bucketStart;
  }
  chart('latency-chart').setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { type: 'scroll', bottom: 0 },
    grid: { left: 50, right: 20, top: 10, bottom: 50 }, xAxis: { type: 'time', min, max },
    yAxis: { type: 'value', name: 'ms' }, series,
  }, true);
}

function renderTiers(data) {
  $('#tiers tbody').replaceChildren(...data.tiers.map((t) => el('tr', { 'data-tier': t.tier },
    el('td', { text: t.tier }),
    el('td', { class: 'num lag', text: fmtSeconds(t.maxLagSeconds) }),
    el('td', { class: 'num', text: String(t.liveAgents) }),
    el('td', { text: fmtShort(t.lastHeartbeat) }),
    el('td', { text: t.status }))));
  if (!window.echarts) return;
  chart('lag-chart').setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { type: 'scroll', bottom: 0 },
    grid: { left: 50, right: 20, top: 10, bottom: 50 }, xAxis: { type: 'time' }, yAxis: { type: 'value', name: 's' },
    series: Object.entries(data.lagHistory).map(([tier, samples]) => ({
      name: tier, type: 'line', showSymbol: samples.length < 20, symbolSize: 5, data: samples })),
  }, true);
}

function renderDiscrepancies(page) {
  $('#discrepancies tbody').replaceChildren(...page.items.map((d) => {
    const row = el('tr', { 'data-id': d.id, class: d.id === state.discrepancy ? 'selected' : '' },
      el('td', {}, badge(d.kind, d.kind)),
      el('td', { text: d.topic }),
      el('td', { text: d.upstreamTier + ' → ' + d.downstreamTier }),
      el('td', { text: fmtShort(d.bucketStart) }),
      el('td', { class: 'num', text: fmtCount(d.missing) }),
      el('td', { class: 'num', text: fmtCount(d.duplicated) }),
      el('td', { text: d.status }),
      el('td', { text: fmtShort(d.detectedAt) }));
    row.addEventListener('click', () => { state.discrepancy = d.id; showDiscrepancy(d); renderDiscrepancies(page); });
    return row;
  }));
  const selected = page.items.find((d) => d.id === state.discrepancy);
  if (selected) showDiscrepancy(selected);
}

function idBox(label, ids, complete, count) {
  const box = el('textarea', { class: 'ids', readonly: '', 'data-ids': label, rows: Math.min(8, Math.max(2, ids.length)) });
  box.value = ids.join('\n');
  const copy = el('button', { type: 'button', text: 'Copy' });
  copy.addEventListener('click', () => { box.select(); navigator.clipboard ? navigator.clipboard.writeText(box.value) : document.execCommand('copy'); });
  const note = complete ? '' : ' (the digest named ' + ids.length + ' of ' + fmtCount(count) + ')';
  return el('div', {}, el('div', { text: label + ' ids' + note + ':' }), box, copy);
}

function showDiscrepancy(d) {
  const box = $('#discrepancy-detail');
  box.hidden = false;
  const parts = [
    el('div', {}, el('strong', { text: d.kind + ' on ' + d.topic + ', ' + d.upstreamTier + ' → ' + d.downstreamTier })),
    el('div', { text: 'bucket ' + fmtTime(d.bucketStart) + ' – ' + fmtTime(d.bucketEnd) + ' · ' + fmtCount(d.upstreamCount)
      + ' upstream, ' + fmtCount(d.downstreamCount) + ' downstream · ' + d.status + ' since ' + fmtTime(d.detectedAt)
      + (d.resolvedAt ? ', resolved ' + fmtTime(d.resolvedAt) : '') }),
    el('div', { class: 'reason', text: d.detail }),
  ];
  if (d.missing) parts.push(idBox('lost', d.lostIds, d.idsComplete, d.missing));
  if (d.duplicated) parts.push(idBox('duplicated', d.duplicatedIds, d.idsComplete, d.duplicated));
  box.replaceChildren(...parts);
}

function chart(id) {
  if (!state.charts[id]) state.charts[id] = echarts.init(document.getElementById(id));
  return state.charts[id];
}

document.addEventListener('DOMContentLoaded', () => {
  $('#token-form').addEventListener('submit', () => {
    sessionStorage.setItem('tally.token', $('#token-input').value.trim());
    refresh();
  });
  $('#token-button').addEventListener('click', askToken);
  $('#range').addEventListener('change', () => refresh());
  $('#discrepancy-status').addEventListener('change', () => refresh());
  let typing;
  $('#topic-filter').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(refresh, 300); });
  window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
  refresh(); // then every meta.refreshMs
});
