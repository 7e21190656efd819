import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkKind, renderMarkdown } from '../../../../src/core/dashboard/renderMarkdown';

/** Every tag the output contains, with its attributes as written. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)].map((m) => `${m[1].toLowerCase()}${m[2]}`);
}

const ALLOWED = new Set([
  'p',
  'a',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'em',
  'strong',
  'code',
  'pre',
  'blockquote',
  'hr',
  'br',
  's',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);

const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '<svg onload="window.__xss=1"></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">raw anchor</a>',
  '[click](javascript:window.__xss=1)',
  '[click](JAVASCRIPT:window.__xss=1)',
  '[click](&#106;avascript:window.__xss=1)',
  '[click](java\tscript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](file:///etc/passwd)',
  '[click](command:workbench.action.terminal.new)',
  '[click](//evil.example/x)',
  '<javascript:alert(1)>',
  '![x](https://tracker.example/pixel.png)',
  '[x](https://example.com/" onmouseover="alert(1))',
  '<div style="background:url(javascript:alert(1))">x</div>',
];

for (const payload of PAYLOADS) {
  test(`renders ${JSON.stringify(payload)} without markup of its own`, () => {
    const html = renderMarkdown(`# TODO\n\n- item ${payload}\n`);
    for (const t of tags(html)) {
      const name = t.split(/\s/)[0];
      assert.ok(ALLOWED.has(name), `tag ${t} in ${html}`);
      assert.doesNotMatch(t, /\son[a-z]+\s*=/i, `event handler in ${t}`);
      assert.doesNotMatch(t, /\sstyle\s*=/i, `style in ${t}`);
      assert.doesNotMatch(t, /\ssrc\s*=/i, `src in ${t}`);
      const href = /\shref="([^"]*)"/.exec(t)?.[1];
      if (href !== undefined) assert.match(href, /^(https?:\/\/[^/]|#)/i, `href ${href}`);
    }
    assert.doesNotMatch(html, /<(script|img|svg|iframe|div)\b/i);
  });
}

test('raw HTML shows as text the reader can see', () => {
  const html = renderMarkdown('<img src=x onerror=alert(1)> and <script>alert(2)</script>');
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
});

test('web links keep their href and get rel=noopener; relative links become file links without a href of their own', () => {
  const html = renderMarkdown(
    '[docs](https://example.com/a?b=1) [plan](.antigravity/plans/T-1.md#steps) [frag](#top) www.example.org',
  );
  assert.match(html, /<a href="https:\/\/example\.com\/a\?b=1" rel="noopener noreferrer">docs<\/a>/);
  assert.match(html, /<a href="#" data-file="\.antigravity\/plans\/T-1\.md" class="file-link">plan<\/a>/);
  assert.match(html, /<a href="#top">frag<\/a>/);
  assert.match(html, /<a href="http:\/\/www\.example\.org" rel="noopener noreferrer">www\.example\.org<\/a>/);
});

test('a refused link keeps its text', () => {
  assert.match(renderMarkdown('[click me](javascript:alert(1))'), /\[click me\]\(javascript:alert\(1\)\)/);
});

test('linkKind', () => {
  assert.equal(linkKind('https://x.org'), 'web');
  assert.equal(linkKind('HTTP://x.org/'), 'web');
  assert.equal(linkKind('https:///etc'), undefined);
  assert.equal(linkKind('#a'), 'fragment');
  assert.equal(linkKind('src/a.ts'), 'file');
  assert.equal(linkKind('./src/a.ts'), 'file');
  for (const bad of [
    '',
    'javascript:x',
    'mailto:a@b',
    'C:/x',
    '/etc/passwd',
    '//host/x',
    '\\\\host\\x',
    'java%09script:x',
    'a%3Ab',
  ])
    assert.equal(linkKind(bad), undefined, bad);
});

test('task lists get disabled checkboxes of our own; the list is marked', () => {
  const html = renderMarkdown('- [ ] write tests\n- [x] ship it\n- [X] caps\n- not a task\n- [y] not a box either\n');
  assert.equal((html.match(/<input class="task-list-item-checkbox" type="checkbox" disabled/g) ?? []).length, 3);
  assert.equal((html.match(/ checked/g) ?? []).length, 2);
  assert.match(html, /<ul class="contains-task-list">/);
  assert.match(html, /<li class="task-list-item"><input[^>]*> write tests<\/li>/);
  assert.match(html, /<li>\[y\] not a box either<\/li>/);
  assert.doesNotMatch(html, /\[ \]|\[x\]/);
});

test('a nested task list and a numbered one are both task lists', () => {
  const html = renderMarkdown('1. [ ] top\n   - [x] inner\n');
  assert.match(html, /<ol class="contains-task-list">/);
  assert.match(html, /<ul class="contains-task-list">/);
  assert.equal((html.match(/<input /g) ?? []).length, 2);
});

test('a [ ] in the middle of text or in code is left alone', () => {
  const html = renderMarkdown('- see [ ] here\n- `[ ] code`\n\n```\n- [ ] in a fence\n```\n');
  assert.doesNotMatch(html, /<input/);
});

test('HTML comments are hidden, block and inline, closed or not', () => {
  const html = renderMarkdown(
    '# Title\n\n<!-- secret note\nover lines -->\n\nvisible <!-- inline note --> text\n\n<!-- never closed',
  );
  assert.doesNotMatch(html, /secret|inline note|never closed|&lt;!--/);
  assert.match(html, /visible {2}text/);
});

test('a comment cannot smuggle markup: what follows it is still escaped', () => {
  for (const src of [
    '<!-- x --><script>window.__xss=1</script>',
    '<!-- --!><img src=x onerror=alert(1)>',
    '- [ ] <img src=x onerror=alert(1)><!-- c -->',
    '<!--><svg onload=alert(1)>-->',
  ]) {
    const html = renderMarkdown(src);
    assert.doesNotMatch(html, /<(script|img|svg)/i, src);
    assert.doesNotMatch(html.replace(/<input class="task-list-item-checkbox"[^>]*>/g, ''), /<input/, src);
  }
});
