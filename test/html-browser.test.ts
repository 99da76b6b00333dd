import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlReporter } from '../src/report/html/index.js';
import { scan } from '../src/scan.js';
import { multiLayerReport } from './report-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(here, '..', 'test-artifacts');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Loaded {
  page: Page;
  problems: string[];
  requests: string[];
}

/** A real headless Chromium (Debian's) opening the report from disk, recording errors, requests and dialogs. */
describe('html report in Chromium', () => {
  let browser: Browser;
  let fixtureFile: string;
  let demoFile: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    fixtureFile = path.join(artifacts, 'report-fixture.html');
    writeFileSync(fixtureFile, htmlReporter(multiLayerReport(), { color: false }));
    const { report } = await scan(path.resolve(here, '..', 'examples', 'demo'));
    demoFile = path.join(artifacts, 'report-demo.html');
    writeFileSync(demoFile, htmlReporter(report, { color: false }));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string, viewport = { width: 1280, height: 900 }): Promise<Loaded> {
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#filter-status:not(:empty)');
    return { page, problems, requests };
  }

  const visibleRows = (page: Page): Promise<number> => page.locator('article.finding:visible').count();

  it('loads the demo report without errors or network requests, and takes a screenshot', async () => {
    const { page, problems, requests } = await open(demoFile);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(demoFile).href]);
    expect(await page.locator('table.heatmap tbody tr').count()).toBe(5);
    const total = await page.locator('article.finding').count();
    expect(total).toBeGreaterThan(0);
    // the demo's 16 unpinned images are one entry, closed; opening it shows each of them
    const folded = await page.locator('details.group article.finding').count();
    expect(folded).toBeGreaterThanOrEqual(10);
    expect(await visibleRows(page)).toBe(total - folded);
    // printing opens every group; on screen a click on its summary does
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    expect(await visibleRows(page)).toBe(total);
    await page.evaluate("document.querySelectorAll('details.group').forEach(function (group) { group.open = false; })");
    expect(await visibleRows(page)).toBe(total - folded);
    for (const summary of await page.locator('details.group > summary').all()) await summary.click();
    expect(await visibleRows(page)).toBe(total);
    // the demo's unpinned images offer the fix Rampart applies
    expect(await page.locator('article[data-rule="image-not-pinned"] .fix .command').first().textContent()).toBe('rampart pin');
    expect(await page.locator('article[data-rule="image-not-pinned"] .code mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, 'report-demo.png'), fullPage: false });
    await page.screenshot({ path: path.join(artifacts, 'report-demo-full.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    await page.close();
  });

  it('never runs scanned text: the hostile file name and snippet stay text', async () => {
    const { page, problems } = await open(fixtureFile);
    expect(problems).toEqual([]);
    expect(await page.locator('article.finding img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    await expect.poll(() => page.locator('.file-path .path', { hasText: '"><img src=x onerror=alert(1)>.yaml' }).count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, 'report-fixture.png'), fullPage: true });
    await page.close();
  });

  it('filters by layer, severity, rule and path search', async () => {
    const { page, problems } = await open(fixtureFile);
    const total = await page.locator('article.finding').count();
    expect(total).toBe(7);
    expect(await page.locator('#filter-status').textContent()).toBe('Showing all 7 findings');

    await page.selectOption('#filter-layer', 'artifacts');
    expect(await visibleRows(page)).toBe(3);
    expect(await page.locator('section.layer[data-layer="secrets"]').isVisible()).toBe(false);
    await page.selectOption('#filter-severity', 'high');
    expect(await visibleRows(page)).toBe(2);
    await page.selectOption('#filter-rule', 'image-latest-tag');
    expect(await visibleRows(page)).toBe(0);
    expect(await page.locator('#no-match').isVisible()).toBe(true);

    await page.click('button[type="reset"]');
    await expect.poll(() => visibleRows(page)).toBe(7);

    await page.fill('#filter-path', 'CLUSTERS/prod');
    expect(await visibleRows(page)).toBe(2);
    const paths = await page.locator('article.finding:visible').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: Record<string, string> }).dataset['path']));
    expect(paths).toEqual(['clusters/prod/argocd-rbac.yaml', 'clusters/prod/payments.yaml']);
    expect(await page.locator('#filter-status').textContent()).toBe('Showing 2 of 7 findings');
    expect(await page.locator('section.layer[data-layer="operators"] > h2 > .count').textContent()).toBe('1');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('heat map cells filter the list and toggle back', async () => {
    const { page } = await open(fixtureFile);
    const cell = page.locator('button.heat-cell[data-layer="operators"][data-severity="critical"]');
    await cell.click();
    expect(await visibleRows(page)).toBe(1);
    expect(await cell.getAttribute('aria-pressed')).toBe('true');
    expect(await page.inputValue('#filter-layer')).toBe('operators');
    await cell.click();
    expect(await visibleRows(page)).toBe(7);
    expect(await cell.getAttribute('aria-pressed')).toBe('false');
    await page.close();
  });

  it('is usable from the keyboard', async () => {
    const { page } = await open(fixtureFile);
    // evaluated in the page, where the DOM exists (the test itself is compiled without DOM types)
    const focused = (): Promise<string> => page.evaluate<string>("document.activeElement ? document.activeElement.tagName.toLowerCase() + '#' + document.activeElement.id : ''");
    // the first Tab reaches the skip link, which leads to the findings
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a#');
    expect(await page.evaluate<string>("document.activeElement.getAttribute('href')")).toBe('#findings');

    // heat map cells are buttons reached with Tab and pressed with Enter
    await page.focus('button.heat-cell[data-layer="secrets"]');
    await page.keyboard.press('Enter');
    expect(await visibleRows(page)).toBe(1);
    await page.keyboard.press('Space');
    expect(await visibleRows(page)).toBe(7);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    expect(await focused()).toBe('input#filter-path');
    await page.keyboard.type('deployment');
    expect(await visibleRows(page)).toBe(3);
    await page.keyboard.press('Escape');
    expect(await visibleRows(page)).toBe(7);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    expect(await focused()).toBe('article#finding-0');
    await page.keyboard.press('j');
    expect(await focused()).toBe('article#finding-1');
    await page.keyboard.press('k');
    expect(await focused()).toBe('article#finding-0');

    // j skips findings hidden by a filter
    await page.selectOption('#filter-layer', 'secrets');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    expect(await page.evaluate<string>('document.activeElement.dataset.layer')).toBe('secrets');
    await page.close();
  });
});
