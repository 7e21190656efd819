// Writes l10n/bundle.l10n.json, the English bundle of every `vscode.l10n.t('…')` message in src/host (what
// `npx @vscode/l10n-dev export` writes; that package is not installed, the TypeScript parser is). Korean lives by
// hand in l10n/bundle.l10n.ko.json; test/unit/l10n/ fails when a message has none. `--check` only compares.
// Run: `npm run l10n` (node --import tsx scripts/l10n.mjs).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every .ts file under `dir`, sorted (the bundle's order must not depend on the file system). */
export function sourceFiles(dir = path.join(root, 'src', 'host')) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

function parse(file) {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function walk(node, visit) {
  visit(node);
  ts.forEachChild(node, (c) => walk(c, visit));
}

const isL10nCall = (n) =>
  ts.isCallExpression(n) &&
  ts.isPropertyAccessExpression(n.expression) &&
  n.expression.name.text === 't' &&
  /(^|\.)l10n$/.test(n.expression.expression.getText());

const where = (sf, n) =>
  `${path.relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;

/**
 * The messages of `l10n.t(…)` calls in `files`: `{ messages: Map<message, first place>, problems }`. A call
 * whose message is not one literal string is a problem (no bundle could hold it).
 */
export function extractMessages(files = sourceFiles()) {
  const messages = new Map();
  const problems = [];
  for (const file of files) {
    const sf = parse(file);
    walk(sf, (n) => {
      if (!isL10nCall(n)) return;
      const a = n.arguments[0];
      if (a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a))) {
        if (!messages.has(a.text)) messages.set(a.text, where(sf, n));
      } else problems.push(`${where(sf, n)}: l10n.t needs one literal message`);
    });
  }
  return { messages, problems };
}

/** Calls whose string arguments a person reads; a literal with words in them must go through l10n.t. */
const UI_CALLS = new Set([
  'showInformationMessage',
  'showWarningMessage',
  'showErrorMessage',
  'setStatusBarMessage',
  'withProgress',
  'TreeItem',
]);
/** Object properties and assignments a person reads (QuickPick/InputBox options, tree items, status bar). */
const UI_PROPS = new Set(['title', 'placeHolder', 'prompt', 'tooltip', 'openLabel', 'description', 'detail', 'label']);
/** Assigned (`item.name = …`), these are read too; in object literals they are too often code (`{ name, text }`). */
const UI_ASSIGNED = new Set([...UI_PROPS, 'name', 'text']);

/** True when a literal holds words: a template's own text, not its substitutions, counts. */
function hasWords(n) {
  const texts = ts.isTemplateExpression(n)
    ? [n.head.text, ...n.templateSpans.map((s) => s.literal.text)]
    : ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)
      ? [n.text]
      : [];
  // Words: two letters or more, once codicons (`$(lock)`) and the product name are taken out; a lone token
  // with no space (`fmes/`, `lock.mine`) is an id or a path, not a sentence.
  const text = texts.join('\u0000');
  if (!/\s/.test(text.trim())) return false;
  return /[A-Za-z]{2,}/.test(text.replace(/\$\([a-z-~]+\)/g, '').replace(/\bF-MES\b/g, ''));
}

/**
 * User-facing string literals in `files` not wrapped in l10n.t: arguments of the message/progress/tree calls
 * above, and the UI properties above when their value is a literal. Each as `file:line: text`. Literal
 * arguments of l10n.t itself are the messages, and code ids (`contextValue`, `id`, `command`) are not looked at.
 */
export function unwrappedStrings(files = sourceFiles()) {
  const out = [];
  for (const file of files) {
    const sf = parse(file);
    const flag = (n) => {
      if (hasWords(n)) out.push(`${where(sf, n)}: ${n.getText()}`);
    };
    walk(sf, (n) => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        const callee = n.expression;
        const name = ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : ts.isIdentifier(callee)
            ? callee.text
            : '';
        if (UI_CALLS.has(name)) for (const a of n.arguments ?? []) flag(a);
      }
      if (ts.isPropertyAssignment(n) && UI_PROPS.has(n.name.getText())) flag(n.initializer);
      if (
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(n.left) &&
        UI_ASSIGNED.has(n.left.name.text)
      )
        flag(n.right);
    });
  }
  return out;
}

/** The English bundle: message → message, sorted by message. */
export function englishBundle(files = sourceFiles()) {
  const { messages, problems } = extractMessages(files);
  if (problems.length) throw new Error(problems.join('\n'));
  return Object.fromEntries([...messages.keys()].sort().map((m) => [m, m]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = path.join(root, 'l10n', 'bundle.l10n.json');
  const next = JSON.stringify(englishBundle(), null, 2) + '\n';
  const old = (() => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  })();
  if (old === next) console.log('l10n/bundle.l10n.json is up to date');
  else if (process.argv.includes('--check')) {
    console.error('l10n/bundle.l10n.json differs from the messages in src/host; run `npm run l10n`');
    process.exit(1);
  } else {
    writeFileSync(file, next);
    console.log(`l10n/bundle.l10n.json: ${Object.keys(JSON.parse(next)).length} messages`);
  }
}
