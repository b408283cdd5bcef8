// Drives the scaler's status page in Debian's Chromium for StatusPageBrowserTest. Usage:
//   node status-page.mjs <base URL>
// then one command per line on stdin, one JSON answer per line on stdout:
//   state               what the page shows now (pools, counts, why live differs from desired, waiting reasons,
//                       refusal, chart, jobs no pool serves) and its errors
//   screenshot <path>   a PNG of the whole page
//   quit
import { chromium } from 'playwright-core';
import readline from 'node:readline';

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`); });
page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${new URL(r.url()).pathname}`); });
await page.goto(`${base}/ui/?interval=300`);

const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
say({ ok: true, ready: true });

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, arg] = line.trim().split(/\s+/, 2);
  try {
    if (command === 'state') {
      const shown = await page.evaluate(() => {
        const text = (root, sel) => root.querySelector(sel)?.textContent ?? null;
        const status = window.scalerStatus;
        return {
          polls: status ? status.polls : 0,
          error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
          pools: [...document.querySelectorAll('section.pool')].map((s) => ({
            name: s.dataset.pool,
            live: Number(text(s, '[data-field=live]')),
            busy: Number(text(s, '[data-field=busy]')),
            queued: Number(text(s, '[data-field=queued]')),
            settings: text(s, '[data-field=settings]'),
            refusal: text(s, '[data-field=refusal]'),
            convergence: text(s, '[data-field=convergence]'),
            reasons: [...s.querySelectorAll('[data-field=reason]')].map((r) => r.textContent).filter((r) => r),
            stages: [...s.querySelectorAll('[data-stage]')].map((r) => r.dataset.stage),
            charts: s.querySelectorAll('.uplot canvas').length,
            maxLiveShown: Math.max(...(status?.history[s.dataset.pool]?.live ?? [0])),
          })),
          unserved: [...document.querySelectorAll('[data-unserved]')].map((r) => r.textContent),
        };
      });
      say({ ok: true, errors, ...shown });
    } else if (command === 'screenshot') {
      await page.screenshot({ path: arg, fullPage: true });
      say({ ok: true });
    } else if (command === 'quit') {
      break;
    } else {
      say({ ok: false, error: `unknown command ${command}` });
    }
  } catch (e) {
    say({ ok: false, error: String(e) });
  }
}
await browser.close();
