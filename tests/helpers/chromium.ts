import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../src/browser/chromium.ts';

/** One Chromium for the tests of a file: launched before them, closed after them. Call the result inside a test. */
export function chromiumForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running: chromiumForFile() must be called at the top of the test file');
    return browser;
  };
}
