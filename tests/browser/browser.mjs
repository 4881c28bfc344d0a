// browser.mjs: the web catalog in a real browser. Starts `errwhy serve` on 127.0.0.1 (an
// ephemeral port), drives Debian's chromium through playwright-core, prints TAP, and saves
// screenshots of what it saw into the artifacts directory.
// Usage: node browser.mjs ERRWHY ARTIFACTS-DIR
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [errwhy, artifacts] = process.argv.slice(2);
if (!errwhy || !artifacts) {
	console.error('usage: node browser.mjs ERRWHY ARTIFACTS-DIR');
	process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

// Every section an EADDRINUSE page has, by the anchor the renderer gives it.
const SECTIONS = ['what-this-means', 'why-it-happens', 'how-to-reproduce', 'fix-1',
	'what-not-to-do', 'numbers-on-other-systems', 'sources'];
// Generous: a busy 2-core machine, maybe under a sanitizer. Waiting is not what is tested.
const WAIT = 60000;

let count = 0, failed = 0;
function ok(cond, what, detail) {
	count++;
	if (cond) {
		console.log(`ok ${count} - ${what}`);
	} else {
		failed++;
		console.log(`not ok ${count} - ${what}`);
		if (detail !== undefined)
			console.log(`# ${String(detail).split('\n').join('\n# ')}`);
	}
}

// Starts the server and resolves with its base URL, read from its start-up line.
function startServer() {
	const child = spawn(errwhy, ['serve', '--listen', '127.0.0.1:0'],
		{ stdio: ['ignore', 'inherit', 'pipe'] });
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(() => reject(new Error(`no start-up line: ${seen}`)), WAIT);
		child.on('exit', (code) => reject(new Error(`errwhy serve exited ${code}: ${seen}`)));
		child.stderr.on('data', (chunk) => {
			seen += chunk;
			const m = seen.match(/(http:\/\/127\.0\.0\.1:\d+)\//);
			if (m) {
				clearTimeout(timer);
				resolve({ child, base: m[1] });
			}
		});
	});
}

function stopServer(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null) {
			resolve(child.exitCode);
			return;
		}
		child.on('exit', (code) => resolve(code));
		child.kill('SIGTERM');
	});
}

async function shot(page, name) {
	await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

// The start page, a search typed as a user would, the result, every section, the copy button.
async function searchAndRead(browser, base) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
	const page = await context.newPage();
	const problems = [];
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
	// Every request a page makes (its style, script, icon) must be answered.
	page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`); });

	await page.goto(`${base}/`);
	ok((await page.locator('h1').innerText()).includes('All Linux / POSIX errors'),
		'the start page is "All Linux / POSIX errors"');
	ok(await page.locator('a[href="/errno/EADDRINUSE"]').count() >= 1,
		'the start page links EADDRINUSE');
	await shot(page, 'index.png');

	await page.fill('#q', 'address already in use');
	await Promise.all([page.waitForURL(/\/search\?q=/, { timeout: WAIT }), page.press('#q', 'Enter')]);
	const result = page.locator('main a[href="/errno/EADDRINUSE"]').first();
	ok(await result.isVisible(), 'searching "address already in use" finds EADDRINUSE');
	await shot(page, 'search.png');

	await Promise.all([page.waitForURL(/\/errno\/EADDRINUSE$/, { timeout: WAIT }), result.click()]);
	const header = await page.locator('body').innerText();
	ok(header.includes('Linux / POSIX · Common · Network · HIGH confidence'),
		'the page has the header line "Linux / POSIX · Common · Network · HIGH confidence"');
	ok(/reproduced:/.test(header), 'the header says what the reproduction did');
	ok(await page.locator('a', { hasText: 'All Linux / POSIX errors' }).first().isVisible(),
		'the page links back to "All Linux / POSIX errors"');
	for (const id of SECTIONS) {
		const s = page.locator(`[id="${id}"]`);
		ok(await s.count() === 1 && await s.isVisible(), `section #${id} is there and visible`);
	}

	const block = page.locator('div.code').first();
	const button = block.locator('button.copy');
	ok(await button.count() === 1, 'a code block has a copy button');
	if (await button.count() === 1) {
		const code = await block.locator('code').innerText();
		await button.click();
		const copied = await page.evaluate(() => navigator.clipboard.readText());
		ok(copied.trim() === code.trim(), 'the copy button copies the code block',
			`clipboard: ${copied.slice(0, 200)}`);
		ok(/copied/i.test(await button.innerText()), 'the button says it copied');
	}
	await shot(page, 'entry.png');
	ok(problems.length === 0, 'no script errors and no failed requests', problems.join('\n'));
	await context.close();
}

// A phone: nothing wider than the screen but what scrolls inside its own box.
async function phone(browser, base) {
	const context = await browser.newContext({ viewport: { width: 375, height: 812 },
		deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	const page = await context.newPage();
	for (const [path, name] of [['/', 'phone-index.png'], ['/errno/EADDRINUSE', 'phone-entry.png']]) {
		await page.goto(`${base}${path}`);
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		ok(width <= 375, `${path} fits 375 px without scrolling sideways`, `scrollWidth ${width}`);
		await shot(page, name);
		// What a phone shows first, at its real size.
		await page.screenshot({ path: join(artifacts, name.replace('.png', '-top.png')) });
	}
	const fontSize = await page.evaluate(() =>
		parseFloat(getComputedStyle(document.querySelector('main p') || document.body).fontSize));
	ok(fontSize >= 14, 'prose is at least 14 px on a phone', `${fontSize}px`);
	await context.close();
}

// Without JavaScript: the search form still submits, pages are whole, no copy buttons appear.
async function noScript(browser, base) {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(`${base}/`);
	await page.fill('#q', 'Error: listen EADDRINUSE: address already in use :::3000');
	await Promise.all([page.waitForURL(/\/search\?q=/, { timeout: WAIT }), page.press('#q', 'Enter')]);
	const result = page.locator('main a[href="/errno/EADDRINUSE"]').first();
	ok(await result.isVisible(), 'without JavaScript a pasted Node.js line finds EADDRINUSE');
	await shot(page, 'nojs-search.png');
	await Promise.all([page.waitForURL(/\/errno\/EADDRINUSE$/, { timeout: WAIT }), result.click()]);
	for (const id of SECTIONS) {
		const s = page.locator(`[id="${id}"]`);
		ok(await s.count() === 1 && await s.isVisible(), `without JavaScript #${id} is visible`);
	}
	ok(await page.locator('button.copy').count() === 0, 'without JavaScript no copy button is shown');
	await shot(page, 'nojs-entry.png');
	await context.close();
}

async function main() {
	let server, browser;
	try {
		server = await startServer();
		ok(true, `errwhy serve listens at ${server.base}`);
		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
			timeout: WAIT,
		});
		for (const part of [searchAndRead, phone, noScript]) {
			try {
				await part(browser, server.base);
			} catch (e) {
				ok(false, `${part.name} ran to its end`, e.stack);
			}
		}
	} catch (e) {
		ok(false, 'set-up', e.stack);
	} finally {
		if (browser)
			await browser.close();
		if (server)
			ok(await stopServer(server.child) === 0, 'errwhy serve stops with status 0 on SIGTERM');
	}
	console.log(`1..${count}`);
	console.log(`# screenshots in ${artifacts}`);
	process.exit(failed ? 1 : 0);
}

main();
