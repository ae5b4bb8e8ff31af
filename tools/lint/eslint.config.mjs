// ESLint for Mailroom: the import-direction and scope rules of CONVENTIONS.md, by file glob.
// Run from the project's root with `npm run lint` (paths below are relative to the root).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import tseslint from 'typescript-eslint';

const SOURCES = ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'migrations/**/*.ts'];

/** Where `systemEm`/`scopedEm` (and so every account) may be reached: jobs, consumers, public routes, the access layer, background, tests, bench. */
const SYSTEM_ALLOWED = [
  'src/**/*.task.ts',
  'src/**/*.tasks.ts',
  'src/**/*.consumer.ts',
  'src/**/*.route.ts',
  'src/**/*.routes.ts',
  'src/**/*.page.ts',
  'src/modules/access/**',
  'src/events/**',
  'src/pubsub/**',
  'src/jobs/**',
  'src/context.ts',
  'src/background.ts',
  'src/app.ts',
  'src/worker.ts',
  // Public/system services run from the routes, jobs and listeners above (never with a principal's context).
  'src/modules/accounts/bootstrap.ts',
  'src/modules/inbound/**',
  'src/modules/tracking/tracking.service.ts',
  'src/modules/identities/confirmation.service.ts',
  'src/modules/domains/domain-check.service.ts',
  'src/modules/sending/principal-refresh.ts',
  'test/**',
  'bench/**',
];

/** Where `ctx.systemAccess` (a request's one way past its scope) may be used: the access layer and login/session, confirmSenderIdentity, acceptInvitation. */
const SYSTEM_ACCESS_ALLOWED = ['src/context.ts', 'src/modules/access/**', 'src/modules/members/session.service.ts', 'src/modules/identities/confirmation.service.ts', 'test/**'];

/** Where raw SQL may run: read models (*.queries.ts), the event log and live feed, the job queue, migrations, tests and bench. */
const RAW_SQL_ALLOWED = ['src/**/*.queries.ts', 'src/events/**', 'src/pubsub/**', 'src/jobs/**', 'migrations/**', 'test/**', 'bench/**'];

const SYSTEM_EM = {
  regex: '(^|/)context$',
  importNames: ['systemEm', 'scopedEm'],
  message: 'Request code gets ctx.em (the principal\'s scope) only; systemEm is for jobs, consumers, public routes and the access layer.',
};
const MODULES = { regex: '(^|/)modules(/|$)', message: 'src/graphql, src/auth, src/db and src/lib never import from src/modules.' };
const OTHER_RESOLVER = { regex: '^\\.\\./[^./][^/]*/.*\\.resolver$', message: "A module may import another module's service or entity, never its resolver." };

const SYSTEM_ACCESS = { selector: "MemberExpression[property.name='systemAccess']", message: 'ctx.systemAccess is for the access layer and the public session/confirmation services only.' };
const RAW_SQL = [
  { selector: "CallExpression[callee.property.name='execute'][callee.object.type='CallExpression'][callee.object.callee.property.name='getConnection']", message: 'Raw SQL lives in *.queries.ts.' },
  { selector: "CallExpression[callee.property.name='execute'][callee.object.name=/^(em|tx|trx|system|systemEm)$/i]", message: 'Raw SQL lives in *.queries.ts.' },
  { selector: "CallExpression[callee.property.name='execute'][callee.object.property.name='em']", message: 'Raw SQL lives in *.queries.ts.' },
  { selector: "CallExpression[callee.property.name='execute'][callee.object.type='CallExpression'][callee.object.callee.name=/^(systemEm|scopedEm)$/]", message: 'Raw SQL lives in *.queries.ts.' },
  { selector: "CallExpression[callee.property.name='getKnex']", message: 'Raw SQL (knex) lives in *.queries.ts.' },
];
const IN_RESOLVER = "ClassDeclaration:has(Decorator[expression.callee.name='Resolver'])";
const RESOLVER_ORM = [
  { selector: `${IN_RESOLVER} MemberExpression[property.name=/^(em|orm)$/]`, message: 'No ORM calls in resolver classes: one service call (or a loader from src/graphql/loaders.ts) per field.' },
  { selector: `${IN_RESOLVER} CallExpression[callee.name=/^(systemEm|scopedEm|wrap)$/]`, message: 'No ORM calls in resolver classes: one service call (or a loader from src/graphql/loaders.ts) per field.' },
];
const VALUE_REEXPORT = [
  { selector: "ExportAllDeclaration[exportKind!='type']", message: 'No value re-exports from index.ts: import from the file that defines the thing.' },
  { selector: "ExportNamedDeclaration[source][exportKind!='type']", message: 'No value re-exports from index.ts: import from the file that defines the thing.' },
];

const layers = [
  { name: 'system-em', files: ['src/**/*.ts'], ignores: SYSTEM_ALLOWED, patterns: [SYSTEM_EM], syntax: [] },
  { name: 'system-access', files: SOURCES, ignores: SYSTEM_ACCESS_ALLOWED, patterns: [], syntax: [SYSTEM_ACCESS] },
  { name: 'raw-sql', files: ['src/**/*.ts'], ignores: RAW_SQL_ALLOWED, patterns: [], syntax: RAW_SQL },
  { name: 'lower-layers', files: ['src/graphql/**/*.ts', 'src/auth/**/*.ts', 'src/db/**/*.ts', 'src/lib/**/*.ts'], ignores: [], patterns: [MODULES], syntax: [] },
  { name: 'module-resolvers', files: ['src/modules/**/*.ts'], ignores: [], patterns: [OTHER_RESOLVER], syntax: [] },
  { name: 'resolvers', files: ['src/**/*.ts'], ignores: [], patterns: [], syntax: RESOLVER_ORM },
  { name: 'index-reexports', files: ['**/index.ts'], ignores: [], patterns: [], syntax: VALUE_REEXPORT },
];

// ESLint keeps only the last matching config's options for a rule, so each file gets one config with
// the rules of every layer that applies to it: one config per combination of layers, over the files on disk.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const matches = (file, globs) => globs.some((g) => minimatch(file, g, { dot: true }));
const files = ['src', 'test', 'bench', 'migrations']
  .flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true }).map((f) => `${dir}/${String(f).split(path.sep).join('/')}`))
  .filter((f) => f.endsWith('.ts') && !f.includes('node_modules/'));
const byCombo = new Map();
for (const file of files) {
  const applied = layers.filter((l) => matches(file, l.files) && !matches(file, l.ignores));
  const key = applied.map((l) => l.name).join('+');
  if (!byCombo.has(key)) byCombo.set(key, { applied, files: [] });
  byCombo.get(key).files.push(file);
}
const perFile = [...byCombo.values()]
  .filter((c) => c.applied.length > 0)
  .map(({ applied, files }) => {
    const patterns = applied.flatMap((l) => l.patterns);
    const syntax = applied.flatMap((l) => l.syntax);
    const r = {};
    if (patterns.length) r['no-restricted-imports'] = ['error', { patterns }];
    if (syntax.length) r['no-restricted-syntax'] = ['error', ...syntax];
    return { files, rules: r };
  });

export default [
  { ignores: ['**/node_modules/**', 'dist/**', 'test/generated/**', '.data/**', 'tools/**'] },
  {
    files: SOURCES,
    languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
    // Known to ESLint so that disable comments naming its rules resolve; no rule of it is turned on here.
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  ...perFile,
];
