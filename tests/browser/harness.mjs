// What the browser scripts share: arguments, named steps with a log, Chromium with a page that
// records its errors, signing in, and the exit (0, or 1 with the failed step and a screenshot).

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

export const byTestId = (id) => `[data-testid=${JSON.stringify(id)}]`;

const started = Date.now();
export const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/** Parses --name value options; exits 2 with the usage when one is unknown or a required one is missing. */
export function readArgs(usage, options, required) {
  let values;
  try {
    ({ values } = parseArgs({ options }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  const missing = required.filter((name) => !values[name]);
  if (missing.length > 0) {
    console.error(`missing --${missing.join(', --')}\n${usage}`);
    process.exit(2);
  }
  return values;
}

/** Runs one step; a failure names the step. */
export async function step(name, action) {
  try {
    const result = await action();
    log(`ok: ${name}`);
    return result;
  } catch (error) {
    error.step ??= name;
    throw error;
  }
}

/**
 * Launches Chromium, runs `script(session)` and exits: 0 when it passed, 1 with "FAIL: <step>: <reason>"
 * on stderr and a full-page screenshot at `failureScreenshot` otherwise. With `consoleErrorsFail`, an
 * error in the page's console (a refused Content-Security-Policy, a failed request) fails it too,
 * except inside `provokingErrors(action)`, which the script gets for steps that cause errors on purpose.
 */
export async function runInChromium({ executablePath, timeout, failureScreenshot, consoleErrorsFail = false }, script) {
  const pageErrors = [];
  /** While above 0, a step provokes errors on purpose: the console's are not failures then. */
  let provoking = 0;
  const provokingErrors = async (action) => {
    provoking++;
    try {
      return await action();
    } finally {
      provoking--;
    }
  };
  let browser;
  let page;
  let exitCode = 0;
  try {
    browser = await step(`launch ${executablePath}`, () => chromium.launch({
      executablePath,
      // The hub is on loopback: never send its traffic to a proxy from the environment.
      args: ['--no-proxy-server'],
      timeout,
    }));
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const watch = (p) => {
      p.on('pageerror', (error) => {
        pageErrors.push(error.message);
        console.error(`page error: ${error.message}`);
      });
      p.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') console.error(`console.${message.type()}: ${message.text()}`);
        if (consoleErrorsFail && message.type() === 'error' && provoking === 0) pageErrors.push(`console: ${message.text()}`);
      });
    };
    context.on('page', watch);
    page = await context.newPage();
    await script({ context, page, provokingErrors });
    if (pageErrors.length > 0) {
      const error = new Error(`errors in the page: ${pageErrors.join(' | ')}`);
      error.step = 'page without errors';
      throw error;
    }
    log('passed');
  } catch (error) {
    exitCode = 1;
    console.error(`FAIL: ${error.step ?? 'unexpected error'}: ${error.message.split('\n')[0]}`);
    if (page) {
      const banner = page.locator(byTestId('error-banner'));
      if (await banner.isVisible().catch(() => false)) console.error(`error banner: ${(await banner.innerText()).replace(/\s+/g, ' ')}`);
      await mkdir(path.dirname(path.resolve(failureScreenshot)), { recursive: true }).catch(() => {}); // the screenshot below says why
      await page.screenshot({ path: failureScreenshot, fullPage: true, timeout: 5000 })
        .then(() => console.error(`screenshot of the failure: ${failureScreenshot}`))
        .catch((e) => console.error(`no failure screenshot: ${e.message.split('\n')[0]}`));
    }
  } finally {
    await browser?.close().catch((e) => console.error(`closing the browser: ${e.message}`));
  }
  process.exit(exitCode);
}

/** Signs in with an API key and waits until the page is live. */
export async function signIn(page, key, timeout) {
  await page.locator(byTestId('api-key')).fill(key, { timeout });
  await page.locator(byTestId('sign-in-submit')).click({ timeout });
  await page.locator(byTestId('dashboard')).waitFor({ state: 'visible', timeout });
  await page.locator(`${byTestId('live-status')}[data-state="live"]`).waitFor({ timeout });
  await page.locator(byTestId('error-banner')).waitFor({ state: 'hidden', timeout });
}

export async function screenshot(page, file, timeout) {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await page.screenshot({ path: file, timeout });
}
