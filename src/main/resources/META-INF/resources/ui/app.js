// The scaler's status page: polls GET /pools, GET /status/latency and GET /status/unserved and draws each pool
// and the jobs no pool serves.
// No build step, no framework; every value from the server is inserted as text, never as HTML.
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const interval = Math.max(100, Number(params.get('interval')) || 2000);
  const HISTORY = 300; // samples kept per pool for the chart
  const STAGES = ['webhook', 'scheduling', 'provisioning', 'boot', 'registration', 'assignment', 'run', 'recycle'];
  const state = { history: {}, charts: {}, pools: [], latency: null, unserved: null, polls: 0 };
  window.scalerStatus = state; // what the page has shown, for tests and the curious

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  };
  const secs = (n) => (n === null || n === undefined ? '–' : `${Number(n).toFixed(1)} s`);

  function headers() {
    const token = sessionStorage.getItem('scaler-operator-token');
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  async function getJson(path) {
    const res = await fetch(path, { headers: headers(), cache: 'no-store' });
    if (res.status === 401) {
      document.getElementById('token-form').hidden = false;
      throw new Error('the operator token is needed');
    }
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  document.getElementById('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem('scaler-operator-token', document.getElementById('token').value);
    document.getElementById('token').value = '';
    document.getElementById('token-form').hidden = true;
    poll();
  });

  function remember(pool, now) {
    const h = (state.history[pool.name] ||= { t: [], live: [], busy: [], queued: [], desired: [] });
    h.t.push(now / 1000);
    for (const k of ['live', 'busy', 'queued', 'desired']) h[k].push(pool[k]);
    if (h.t.length > HISTORY) for (const k of Object.keys(h)) h[k].shift();
    return h;
  }

  function settings(pool) {
    const p = el('p', { 'data-field': 'settings' },
      `min ${pool.min} · min-idle ${pool.minIdle} · max ${pool.max} · free ${pool.freePercent}% · scale set ${pool.scaleSet}`);
    if (pool.period) p.append(el('span', { class: 'badge period', 'data-field': 'period' }, `schedule: ${pool.period}`));
    if (pool.paused) p.append(el('span', { class: 'badge paused', 'data-field': 'paused' }, 'paused'));
    if (pool.overrides) {
      const o = pool.overrides;
      const set = ['min', 'max', 'minIdle'].filter((k) => o[k] !== null && o[k] !== undefined).map((k) => `${k} ${o[k]}`);
      p.append(el('span', { class: 'badge override', 'data-field': 'overrides' }, `overridden: ${set.join(', ')}`));
    }
    return p;
  }

  function counts(pool) {
    const c = el('p', { class: 'counts' });
    for (const k of ['live', 'busy', 'queued', 'desired']) {
      c.append(el('span', {}, `${k} `, el('strong', { 'data-field': k }, pool[k])));
    }
    const phases = {};
    for (const i of pool.instances || []) phases[i.phase] = (phases[i.phase] || 0) + 1;
    const ph = el('p', { class: 'phases', 'data-field': 'phases' }, 'instances: ');
    const names = Object.keys(phases).sort();
    if (names.length === 0) ph.append(el('span', { class: 'muted' }, 'none'));
    for (const name of names) ph.append(el('span', { 'data-phase': name }, `${name.toLowerCase()} ${phases[name]}`));
    return [c, ph, convergence(pool)];
  }

  // Why live differs from desired: the cool-down, busy runners finishing, what holds growth back.
  function convergence(pool) {
    const c = pool.convergence;
    if (!c) return null;
    const until = c.until ? ` (until ${new Date(c.until).toLocaleTimeString()})` : '';
    return el('p', { class: 'convergence', 'data-field': 'convergence' },
      `live ${pool.live}, desired ${pool.desired}: ${c.reason}${until}`);
  }

  function refusal(pool) {
    const r = pool.growthRefusal || (pool.scaleSets || []).map((s) => s.growthRefusal).find((x) => x);
    if (!r) return null;
    return el('p', { class: 'refusal', 'data-field': 'refusal' },
      `Azure refused capacity: ${r.code} (${r.reason}); ${r.inARow} in a row, asked again after ${r.until}`);
  }

  function waiting(pool) {
    const jobs = pool.waitingJobs || [];
    const box = el('div', { 'data-field': 'waiting' }, el('h3', {}, `Waiting jobs (${jobs.length})`));
    if (jobs.length === 0) {
      box.append(el('p', { class: 'muted' }, 'none'));
      return box;
    }
    const t = el('table', {}, el('tr', {}, el('th', {}, 'job'), el('th', {}, 'repository'), el('th', { class: 'num' }, 'waited'),
      el('th', {}, 'stage'), el('th', {}, 'why')));
    for (const j of jobs.slice(0, 50)) {
      t.append(el('tr', { 'data-job': j.jobId }, el('td', {}, j.jobId), el('td', {}, j.repository || ''),
        el('td', { class: 'num' }, secs(j.waitedSeconds)), el('td', { 'data-field': 'stage' }, j.stage),
        el('td', { class: 'reason', 'data-field': 'reason' }, j.reason || '')));
    }
    box.append(t);
    if (jobs.length > 50) box.append(el('p', { class: 'muted' }, `and ${jobs.length - 50} more`));
    return box;
  }

  function latency(poolName) {
    const l = state.latency && (state.latency.pools || []).find((p) => p.pool === poolName);
    const box = el('div', { 'data-field': 'latency' }, el('h3', {}, 'Where the recent jobs\u2019 time went'));
    if (!l || l.stages.length === 0) {
      box.append(el('p', { class: 'muted' }, 'no job yet'));
      return box;
    }
    const t = el('table', {}, el('tr', {}, el('th', {}, 'stage'), el('th', { class: 'num' }, 'jobs'),
      el('th', { class: 'num' }, 'p50'), el('th', { class: 'num' }, 'p95')));
    const byStage = Object.fromEntries(l.stages.map((s) => [s.stage, s]));
    for (const name of STAGES) {
      const s = byStage[name];
      if (s) t.append(el('tr', { 'data-stage': name }, el('td', {}, name), el('td', { class: 'num' }, s.count),
        el('td', { class: 'num' }, secs(s.p50)), el('td', { class: 'num' }, secs(s.p95))));
    }
    box.append(t);
    if (l.calls.length > 0) {
      const c = el('table', { 'data-field': 'calls' }, el('tr', {}, el('th', {}, 'scale-set call'), el('th', {}, 'outcome'),
        el('th', { class: 'num' }, 'count'), el('th', { class: 'num' }, 'p50'), el('th', { class: 'num' }, 'p95')));
      for (const k of l.calls) {
        c.append(el('tr', {}, el('td', {}, k.kind), el('td', {}, k.outcome), el('td', { class: 'num' }, k.count),
          el('td', { class: 'num' }, secs(k.p50)), el('td', { class: 'num' }, secs(k.p95))));
      }
      box.append(el('h3', {}, 'Recent scale-set calls'), c);
    }
    return box;
  }

  // Label sets of queued jobs that no pool serves: a misspelt label or a missing pool.
  function unserved() {
    const sets = (state.unserved && state.unserved.labelSets) || [];
    if (sets.length === 0) return null;
    const t = el('table', {}, el('tr', {}, el('th', {}, 'labels'), el('th', { class: 'num' }, 'jobs'),
      el('th', {}, 'last seen'), el('th', {}, 'last job')));
    for (const u of sets.slice(0, 20)) {
      t.append(el('tr', { 'data-unserved': u.labels.join(',') }, el('td', {}, u.labels.join(', ')),
        el('td', { class: 'num' }, u.jobs), el('td', {}, new Date(u.lastSeen).toLocaleTimeString()),
        el('td', {}, `${u.lastRepository} #${u.lastJobId}`)));
    }
    return el('section', { class: 'unserved', 'data-field': 'unserved' }, el('h2', {}, 'Jobs no pool serves'),
      el('p', { class: 'muted' }, 'A pool serves a job when its labels cover all of the job\u2019s; jobs for GitHub\u2019s own runners show here too.'),
      t);
  }

  function chart(pool, section, h) {
    const holder = el('div', { class: 'chart', 'data-field': 'chart' });
    section.append(holder);
    if (typeof uPlot === 'undefined') return;
    const data = [h.t, h.live, h.busy, h.queued, h.desired];
    const width = Math.min(900, Math.max(300, document.body.clientWidth - 80));
    let c = state.charts[pool.name];
    if (!c) {
      c = new uPlot({
        width, height: 180,
        series: [{}, { label: 'live', stroke: '#0969da' }, { label: 'busy', stroke: '#1a7f37' },
          { label: 'queued', stroke: '#cf222e' }, { label: 'desired', stroke: '#8250df', dash: [4, 4] }],
        axes: [{}, { label: 'instances / jobs' }],
      }, data, holder);
      state.charts[pool.name] = c;
    } else {
      holder.append(c.root);
      c.setData(data);
    }
  }

  function render(now) {
    const main = document.getElementById('pools');
    const sections = [];
    for (const pool of state.pools) {
      const h = remember(pool, now);
      const s = el('section', { class: 'pool', 'data-pool': pool.name },
        el('h2', {}, `Pool ${pool.name}`, el('span', { class: 'muted' }, ` — ${(pool.labels || []).join(', ')}`)),
        settings(pool), ...counts(pool), refusal(pool));
      chart(pool, s, h);
      s.append(waiting(pool), latency(pool.name));
      sections.push(s);
    }
    const u = unserved();
    if (u) sections.push(u);
    main.replaceChildren(...sections);
  }

  async function poll() {
    try {
      const [pools, latency, unservedDemand] = await Promise.all([getJson('/pools'),
        getJson('/status/latency').catch(() => null), getJson('/status/unserved').catch(() => null)]);
      state.pools = pools;
      state.latency = latency;
      state.unserved = unservedDemand;
      state.polls++;
      const now = Date.now();
      render(now);
      document.getElementById('updated').textContent = `updated ${new Date(now).toLocaleTimeString()}`;
      document.getElementById('error').hidden = true;
    } catch (e) {
      const err = document.getElementById('error');
      err.textContent = `Could not update: ${e.message}`;
      err.hidden = false;
    }
  }

  poll();
  setInterval(poll, interval);
})();
