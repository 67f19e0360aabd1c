'use strict';
// The /lab dashboard: log in as an admin (phone + code), run the lab's experiments through their JSON
// endpoints and draw the answers with Chart.js, and poll GET /api/lab/engine every second.
// window.lab holds the token, the charts and each experiment's raw answers.

const lab = window.lab = { token: null, charts: {}, answers: {}, polling: null };

async function call(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (lab.token) headers['Authorization'] = 'Bearer ' + lab.token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try { detail = JSON.parse(text).detail || text; } catch (e) { /* not JSON: keep the text */ }
    throw new Error(res.status + ': ' + detail);
  }
  return { text, json: text ? JSON.parse(text) : null };
}

function $(id) { return document.getElementById(id); }

function status(id, text, error) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', !!error);
}

// ---- charts --------------------------------------------------------------------------------------

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

function bar(id, options) {
  lab.charts[id] = new Chart($(id), {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, options),
  });
  return lab.charts[id];
}

function percentAxis(title) {
  return { beginAtZero: true, title: { display: true, text: title }, ticks: { callback: v => (v * 100).toFixed(2) + '%' } };
}

function makeCharts() {
  lab.charts['engine-ops'] = new Chart($('engine-ops'), {
    type: 'line',
    data: { labels: [], datasets: [{ label: 'ops/s', data: [], borderColor: COLORS[0], pointRadius: 0, tension: 0.2 }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: 'ops/s' } } } },
  });
  bar('breakdown-chart', { scales: {
    queries: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'DB queries' } },
    ms: { type: 'linear', position: 'right', beginAtZero: true, title: { display: true, text: 'latency (ms)' },
      grid: { drawOnChartArea: false } } } });
  bar('penetration-chart', { scales: { y: { beginAtZero: true, title: { display: true, text: 'count of 10,000 requests' } } } });
  bar('bloom-chart', { plugins: { title: { display: true, text: 'Bloom filter false-positive rate' },
    tooltip: { callbacks: { label: c => (c.parsed.y * 100).toFixed(3) + '%' } } },
    scales: { y: percentAxis('false positives') } });
  bar('avalanche-chart', { scales: { x: { title: { display: true, text: 'seconds after the first expiry' } },
    // log scale: 10,000 keys in one second and a few dozen a second must both be visible
    y: { type: 'logarithmic', min: 1, title: { display: true, text: 'keys expiring in that second (log scale)' } } } });
  bar('eviction-chart', { scales: { y: percentAxis('hit ratio') },
    plugins: { tooltip: { callbacks: { label: c => c.dataset.label + ': ' + (c.parsed.y * 100).toFixed(2) + '%' } } } });
  bar('consistency-chart', { scales: {
    stale: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'stale reads' } },
    ms: { type: 'linear', position: 'right', beginAtZero: true, title: { display: true, text: 'max staleness (ms)' },
      grid: { drawOnChartArea: false } } } });
}

function draw(id, labels, datasets) {
  const chart = lab.charts[id];
  chart.data.labels = labels;
  chart.data.datasets = datasets.map((d, i) => Object.assign({ backgroundColor: COLORS[i % COLORS.length] }, d));
  chart.update();
}

// ---- experiments ---------------------------------------------------------------------------------

// Each experiment: the requests it sends, one after another, and how to draw their answers.
const EXPERIMENTS = {
  breakdown: {
    requests: ['cache-aside', 'mutex', 'logical-expiry'].map(strategy =>
      ({ strategy, concurrency: 200, dbDelayMs: 50, articleId: 1 })),
    label: r => r.strategy,
    draw(answers) {
      draw('breakdown-chart', answers.map(a => a.strategy), [
        { label: 'DB queries', data: answers.map(a => a.dbQueries), yAxisID: 'queries' },
        { label: 'p50 latency (ms)', data: answers.map(a => a.p50Ms), yAxisID: 'ms' },
        { label: 'p99 latency (ms)', data: answers.map(a => a.p99Ms), yAxisID: 'ms' },
      ]);
    },
  },
  penetration: {
    requests: ['none', 'null-caching', 'bloom'].map(strategy => ({ strategy, requests: 10000, distinctIds: 1000 })),
    label: r => r.strategy,
    draw(answers) {
      draw('penetration-chart', answers.map(a => a.strategy), [
        { label: 'DB queries', data: answers.map(a => a.dbQueries) },
        { label: 'cached nulls served', data: answers.map(a => a.nullHits) },
        { label: 'rejected by the Bloom filter', data: answers.map(a => a.rejected) },
      ]);
      const bloom = answers.find(a => a.configuredFalsePositiveRate !== null);
      draw('bloom-chart', ['measured', 'configured'], [
        { label: 'false-positive rate', data: [bloom.falsePositiveRate, bloom.configuredFalsePositiveRate],
          backgroundColor: [COLORS[2], '#999'] },
      ]);
    },
  },
  avalanche: {
    requests: [0, 120].map(jitterSeconds => ({ keys: 10000, ttlSeconds: 600, jitterSeconds })),
    label: r => 'jitter ' + r.jitterSeconds + ' s',
    draw(answers) {
      const seconds = Math.max(...answers.map(a => a.seconds));
      const labels = Array.from({ length: seconds }, (_, s) => s);
      draw('avalanche-chart', labels, answers.map(a => ({
        label: 'TTL 600 s ± ' + a.jitterSeconds + ' s (peak ' + a.peakCount + ')',
        data: labels.map(s => a.expiriesPerSecond[s] || 0),
      })));
    },
  },
  eviction: {
    requests: ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random',
      'volatile-ttl'].map(policy => ({ policy, universe: 1000000, cacheKeys: 20000, requests: 400000, zipfExponent: 1.0, seed: 42 })),
    label: r => r.policy,
    draw(answers) {
      draw('eviction-chart', answers.map(a => a.policy), [
        { label: 'hit ratio', data: answers.map(a => a.hitRatio) },
        { label: 'ideal (the most popular ids always held)', data: answers.map(a => a.idealHitRatio), backgroundColor: '#bbb' },
      ]);
    },
  },
  consistency: {
    requests: ['delete-then-update', 'delete-after-commit', 'delayed-double-delete'].map(mode =>
      ({ mode, writers: 2, readers: 8, durationMs: 2000 })),
    label: r => r.mode,
    draw(answers) {
      draw('consistency-chart', answers.map(a => a.mode), [
        { label: 'stale reads', data: answers.map(a => a.staleReads), yAxisID: 'stale' },
        { label: 'max staleness (ms)', data: answers.map(a => a.maxStalenessMs), yAxisID: 'ms' },
      ]);
    },
  },
};

async function run(name) {
  const experiment = EXPERIMENTS[name];
  const button = $('run-' + name);
  button.disabled = true;
  const texts = [], answers = [];
  const started = performance.now();
  try {
    for (let i = 0; i < experiment.requests.length; i++) {
      const request = experiment.requests[i];
      status(name + '-status', 'running ' + experiment.label(request) + ' (' + (i + 1) + '/' + experiment.requests.length + ')');
      const answer = await call('POST', '/api/lab/' + name, request);
      texts.push(answer.text);
      answers.push(answer.json);
    }
    lab.answers[name] = answers;
    $(name + '-json').textContent = '[' + texts.join(',\n') + ']';
    experiment.draw(answers);
    status(name + '-status', 'done in ' + ((performance.now() - started) / 1000).toFixed(1) + ' s');
  } catch (e) {
    status(name + '-status', e.message, true);
  } finally {
    button.disabled = false;
  }
}

// ---- the engine panel ----------------------------------------------------------------------------

function bytes(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(2) + ' MB' : (n / 1024).toFixed(1) + ' KB';
}

let polling = false;
async function poll() {
  if (polling) return; // the previous INFO has not answered yet
  polling = true;
  try {
    const s = (await call('GET', '/api/lab/engine')).json;
    lab.engine = s;
    $('stat-server').textContent = s.server + ' ' + s.version;
    $('stat-ops').textContent = s.opsPerSecond;
    $('stat-memory').textContent = bytes(s.usedMemory) + (s.maxmemory > 0 ? ' of ' + bytes(s.maxmemory) : '');
    $('stat-keys').textContent = s.keys;
    $('stat-hit-ratio').textContent = s.hitRatio === null ? '–' : (s.hitRatio * 100).toFixed(2) + '%';
    $('stat-clients').textContent = s.connectedClients;
    $('stat-expired').textContent = s.expiredKeys;
    $('stat-evicted').textContent = s.evictedKeys;
    const chart = lab.charts['engine-ops'];
    chart.data.labels.push(new Date().toLocaleTimeString());
    chart.data.datasets[0].data.push(s.opsPerSecond);
    if (chart.data.labels.length > 60) {
      chart.data.labels.shift();
      chart.data.datasets[0].data.shift();
    }
    chart.update();
  } catch (e) {
    clearInterval(lab.polling);
    lab.polling = null;
    $('stat-server').textContent = 'stopped: ' + e.message;
  } finally {
    polling = false;
  }
}

// ---- login ---------------------------------------------------------------------------------------

async function sendCode() {
  try {
    const answer = (await call('POST', '/api/auth/code', { phone: $('phone').value.trim() })).json;
    if (answer.code) $('code').value = answer.code;
    status('login-status', answer.code ? 'code filled in (cachelab.auth.expose-code is on)' : 'code sent');
  } catch (e) {
    status('login-status', e.message, true);
  }
}

async function logIn(event) {
  event.preventDefault();
  try {
    const login = (await call('POST', '/api/auth/login', { phone: $('phone').value.trim(), code: $('code').value.trim() })).json;
    lab.token = login.token;
    const me = (await call('GET', '/api/auth/me')).json;
    if (me.role !== 'ADMIN') {
      status('login-status', 'logged in as ' + me.phone + ' (' + me.role + '): the lab needs an admin phone', true);
      return;
    }
    status('login-status', 'logged in as ' + me.phone + ' (' + me.role + ')');
    Object.keys(EXPERIMENTS).forEach(name => { $('run-' + name).disabled = false; });
    if (!lab.polling) {
      poll();
      lab.polling = setInterval(poll, 1000);
    }
  } catch (e) {
    status('login-status', e.message, true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  makeCharts();
  $('send-code').addEventListener('click', sendCode);
  $('login-form').addEventListener('submit', logIn);
  Object.keys(EXPERIMENTS).forEach(name => $('run-' + name).addEventListener('click', () => run(name)));
});
