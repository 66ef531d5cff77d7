// Playwright helpers over the VS Code workbench DOM of code-server 4.100.3 (VS Code 1.100.3).
// Every helper waits for what the page shows (a status bar text, a list row), never a delay.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { screenshotDir } from './e2e-deps';

export const UI_TIMEOUT_MS = 20_000;

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROW = `${QUICK_INPUT} .monaco-list-row`;
const PROBLEM_ROW = '.markers-panel .monaco-list-row';
export const NOTIFICATION = '.notifications-toasts .notification-toast';

let screenshotIndex = 0;

/** Saves test-results/e2e/NN-name.png; NN counts up across the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  screenshotIndex += 1;
  const file = `${String(screenshotIndex).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: path.join(screenshotDir, file) });
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT_MS });
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Opens a workspace-relative file through Quick Open and waits for its editor tab. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator(`${QUICK_INPUT} input`).fill(relativePath);
  await page
    .locator(QUICK_INPUT_ROW, { hasText: path.basename(relativePath) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page
    .locator('.tab.active', { hasText: path.basename(relativePath) })
    .waitFor({ timeout: UI_TIMEOUT_MS });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: UI_TIMEOUT_MS });
}

/** The status bar's language mode; polled because contributed languages register late. */
export async function waitForLanguageMode(page: Page, mode: string): Promise<void> {
  await page
    .locator('[id="status.editor.mode"]', { hasText: mode })
    .waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Moves the cursor with Go to Line; line and character are 0-based like LSP. */
export async function goTo(page: Page, line: number, character: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.keyboard.type(`${line + 1}:${character + 1}`);
  await page.keyboard.press('Enter');
  await page
    .locator('[id="status.editor.selection"]', {
      hasText: `Ln ${line + 1}, Col ${character + 1}`,
    })
    .waitFor({ timeout: UI_TIMEOUT_MS });
}

export async function showProblems(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor({ timeout: UI_TIMEOUT_MS });
}

export function problemRows(page: Page, code: string): Locator {
  return page.locator(PROBLEM_ROW, { hasText: code });
}

/** 1-based line the Problems row shows as "[Ln N, Col M]". */
export async function problemLine(row: Locator): Promise<number> {
  const match = /\[Ln (\d+), Col \d+\]/.exec(await row.innerText());
  if (match?.[1] === undefined) throw new Error(`no [Ln, Col] in problem row`);
  return Number(match[1]);
}

export function squiggles(page: Page): Locator {
  return page.locator('.monaco-editor .view-overlays [class*="squiggly-"]');
}

/** Opens the command palette filtered to `title` and waits for the matching entry. */
export async function findCommand(page: Page, title: string): Promise<Locator> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ timeout: UI_TIMEOUT_MS });
  await input.fill(`>${title}`);
  const row = page.locator(QUICK_INPUT_ROW, { hasText: title }).first();
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  return row;
}

/** What a command visibly did: a notification, a new editor tab, or a prompt of its own. */
export interface CommandEffect {
  notifications: string[];
  prompt: string | null;
}

/**
 * Runs the palette entry `title` that `findCommand` left selected and waits until the command
 * visibly answers: a new notification, a new editor tab, or a quick input of its own.
 */
export async function runSelectedCommand(page: Page, title: string): Promise<CommandEffect> {
  const notificationsBefore = await page.locator(NOTIFICATION).count();
  const tabsBefore = await page.locator('.tab').count();
  const ownPrompt = page
    .locator(QUICK_INPUT)
    .filter({ hasNot: page.locator('.monaco-list-row', { hasText: title }) });
  await page.keyboard.press('Enter');

  const options = { timeout: UI_TIMEOUT_MS };
  try {
    await Promise.any([
      page.locator(NOTIFICATION).nth(notificationsBefore).waitFor(options),
      page.locator('.tab').nth(tabsBefore).waitFor(options),
      ownPrompt.waitFor(options),
    ]);
  } catch {
    await screenshot(page, 'command-without-answer');
    throw new Error(`"${title}" showed no notification, editor or prompt`);
  }

  const notifications = await page.locator(NOTIFICATION).allInnerTexts();
  const prompt = (await ownPrompt.isVisible())
    ? await page.locator(`${QUICK_INPUT} input`).getAttribute('placeholder')
    : null;
  return { notifications, prompt };
}

/** Closes a prompt left open by a command and clears toasts, so the next step starts clean. */
export async function dismissCommandUi(page: Page): Promise<void> {
  if (await page.locator(QUICK_INPUT).isVisible()) await page.keyboard.press('Escape');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  const command = await findCommand(page, 'Notifications: Clear All Notifications');
  await command.waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator(NOTIFICATION).first().waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
}

/**
 * The document of the active webview. VS Code 1.100 nests it twice: the workbench's
 * `iframe.webview.ready` hosts the page in `#active-frame`; locators wait for both.
 */
export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}
