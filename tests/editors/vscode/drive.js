// Drives code-server with Debian's chromium through playwright-core: Forge's diagnostics in the
// Problems panel, the rule doc on hover, the status item. Prints a JSON summary; exit 1 on failure.
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const URL = process.argv[2];
const SHOTS = process.env.SHOTS || 'shots';
const t0 = Date.now();
const steps = [];
const step = (name, data) => {
  steps.push({ step: name, ms: Date.now() - t0, data });
  console.error(`[${Date.now() - t0}ms] ${name}`);
};

(async () => {
  const udd = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'chromium-udd-'));
  const ctx = await chromium.launchPersistentContext(udd, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const shots = [];
  const shot = async (name) => {
    await page.waitForTimeout(400);
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
  };
  let ok = false;
  let error;
  try {
    await page.goto(URL);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 30000 });
    step('workbench');
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type('orders.py');
    await page.waitForSelector('.quick-input-list .monaco-list-row');
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'DB_PASSWORD' }).first().waitFor({ timeout: 30000 });
    const opened = Date.now();
    step('fileOpen');
    await page.waitForSelector('.squiggly-error, .squiggly-warning', { timeout: 60000 });
    step('squiggles', { secondsAfterOpen: (Date.now() - opened) / 1000 });
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'FG201' });
    await problem.first().waitFor({ timeout: 30000 });
    const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    step('problemsPanel', rows.slice(0, 8));
    await shot('1-problems');
    if (!rows.some((r) => r.includes('FG101'))) throw new Error('FG101 missing from Problems');
    // The rule doc on hover: over the hardcoded password's value.
    const token = editor.locator('.view-line span span', { hasText: 's3cr3t' }).first();
    await page.keyboard.press('Control+Shift+M'); // close the panel: the hover needs the room
    const box = await token.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'FG201' });
    await hover.first().waitFor({ state: 'visible', timeout: 30000 });
    step('hover', (await hover.first().innerText()).slice(0, 300));
    await shot('2-hover');
    // The language status item (behind the `{}` in the status bar) says what Forge runs.
    await page.mouse.move(10, 10);
    await page.keyboard.press('Escape');
    const language = page.locator('#status\\.languageStatus, .statusbar-item[id="status.languageStatus"]');
    await language.first().click();
    const status = page.locator('.monaco-hover', { hasText: 'Forge: rules only' });
    await status.first().waitFor({ state: 'visible', timeout: 15000 });
    step('statusItem', (await status.first().innerText()).slice(0, 200));
    await shot('3-status');
    ok = true;
  } catch (e) {
    error = String((e && e.stack) || e);
    await shot('fail').catch(() => {});
  } finally {
    await ctx.close();
    fs.rmSync(udd, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ ok, error: error || null, total_ms: Date.now() - t0, steps, shots }, null, 1));
  process.exit(ok ? 0 : 1);
})();
