import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(__dirname, '../..');
const docs = [
  'README.md',
  ...readdirSync(resolve(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown without its fenced code blocks. */
function withoutFences(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

const anchorsByFile = new Map<string, Set<string>>();

/** The anchors of a file's headings, read once per file. */
function anchorsOf(file: string): Set<string> {
  let anchors = anchorsByFile.get(file);
  if (!anchors) {
    const text = withoutFences(readFileSync(file, 'utf8'));
    anchors = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])));
    anchorsByFile.set(file, anchors);
  }
  return anchors;
}

/** Relative links of a markdown file: `[text](target)` and `[name]: target` outside code. */
function linksOf(text: string): string[] {
  const prose = withoutFences(text).replace(/`[^`]*`/g, '');
  // `[text](target)`, `[text](<target>)`, either with a "title".
  const inline = [...prose.matchAll(/\]\((?:<([^>]+)>|([^)\s]+))(?:\s+"[^"]*")?\)/g)].map(
    (match) => match[1] ?? match[2],
  );
  const defined = [...prose.matchAll(/^\[[^\]]+\]: (\S+)/gm)].map((match) => match[1]);
  return [...inline, ...defined].filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the README and docs/', () => {
  it('make heading anchors as GitHub does', () => {
    assert.equal(anchorOf('What the guarantees rest on'), 'what-the-guarantees-rest-on');
    assert.equal(anchorOf('One worker or two on 2 cores'), 'one-worker-or-two-on-2-cores');
    assert.equal(anchorOf("Nest's handler looked up once"), 'nests-handler-looked-up-once');
    assert.equal(anchorOf('`npm start`, and the store'), 'npm-start-and-the-store');
    assert.equal(anchorOf('`DATABASE_URL` unset'), 'database_url-unset');
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const doc of docs) {
      const from = resolve(root, doc);
      for (const link of linksOf(readFileSync(from, 'utf8'))) {
        const [path, anchor] = link.split('#');
        const target = path === '' ? from : resolve(dirname(from), path);
        if (!existsSync(target)) {
          broken.push(`${doc}: ${link} (no such file)`);
        } else if (anchor && statSync(target).isFile() && target.endsWith('.md')) {
          if (!anchorsOf(target).has(anchor)) broken.push(`${doc}: ${link} (no such heading)`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
});
