import { createReadStream, existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

/** Files GraphiQL needs, served from node_modules (no CDN). A Map: a name like `constructor` finds nothing. */
const ASSETS = new Map<string, { pkg: string; file: string; type: string }>([
  ['react.js', { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' }],
  ['react-dom.js', { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' }],
  ['graphiql.js', { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' }],
  ['graphiql.css', { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' }],
  ['graphql-ws.js', { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' }],
]);

function pkgDir(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`));
}

/** Serves one GraphiQL asset; returns false when the name is unknown. */
export function serveGraphiqlAsset(name: string, res: ServerResponse): boolean {
  const asset = ASSETS.get(name);
  if (!asset) return false;
  const path = join(pkgDir(asset.pkg), asset.file);
  if (!existsSync(path)) return false;
  res.writeHead(200, { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=3600' });
  createReadStream(path).pipe(res);
  return true;
}

/** The document GraphiQL opens with the first time: a Mailroom example, the credential hint in comments. */
export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to Mailroom. Put the admin token npm start printed in the Headers tab below:
#   { "Authorization": "Bearer mr_live_…" }
# The schema (Docs) loads without one. Then run this:
query FirstLook {
  viewer { kind tokenName permissions }
  tenants(first: 10) { totalCount edges { node { id name } } }
  domains(first: 10) { edges { node { id name status sandbox } } }
}
`;

/** The headers GraphiQL opens with: an empty Authorization (the public) to fill in, valid JSON. */
const DEFAULT_HEADERS = '{\n  "Authorization": ""\n}';

/**
 * The GraphiQL page: fetcher over HTTP for queries and graphql-ws for subscriptions, on the same path.
 * The schema is fetched without the headers (introspection needs no token, so a placeholder or a stale
 * token never keeps the schema from loading) and again whenever the headers change; a subscription is
 * told apart by parsing the document (comments and strings skipped), so one preceded by a comment works.
 */
export function graphiqlHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mailroom GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphql-ws.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>
(function () {
  var url = location.origin + '/graphql';
  var wsUrl = url.replace(/^http/, 'ws');
  function authFrom(headers) {
    if (!headers) return undefined;
    for (var k in headers) if (k.toLowerCase() === 'authorization') return headers[k] || undefined;
    return undefined;
  }
  // The type (query, mutation, subscription) of the operation that runs: the named one, else the first.
  function operationType(query, name) {
    var src = (query || '').replace(/"""[\\s\\S]*?"""|"(?:[^"\\\\\\n]|\\\\.)*"|#[^\\n]*/g, ' ');
    var depth = 0, first = null, re = /[{}]|[_A-Za-z][_0-9A-Za-z]*/g, m, expectName = null, fragment = false;
    while ((m = re.exec(src))) {
      var t = m[0];
      if (t === '{') {
        if (depth === 0 && fragment) fragment = false;
        else if (depth === 0 && expectName === null && first === null) first = 'query';
        depth++; expectName = null; continue;
      }
      if (t === '}') { depth--; continue; }
      if (depth !== 0) continue;
      if (expectName) { if (name && t === name) return expectName; if (!first) first = expectName; expectName = null; continue; }
      if (t === 'query' || t === 'mutation' || t === 'subscription') { expectName = t; if (!name && !first) first = t; }
      else if (t === 'fragment') fragment = true;
    }
    if (expectName && !first) first = expectName;
    return first || 'query';
  }
  var httpFetcher = GraphiQL.createFetcher({ url: url });
  var clients = {};
  function wsClient(auth) {
    var key = auth || '';
    if (!clients[key]) clients[key] = graphqlWs.createClient({ url: wsUrl, connectionParams: auth ? { authorization: auth } : {} });
    return clients[key];
  }
  function fetcher(params, opts) {
    // The schema is the same for every caller: fetch it without the headers.
    if (params.operationName === 'IntrospectionQuery') return httpFetcher(params, Object.assign({}, opts, { headers: {} }));
    if (operationType(params.query, params.operationName) !== 'subscription') return httpFetcher(params, opts);
    var client = wsClient(authFrom(opts && opts.headers));
    return {
      subscribe: function (sink) {
        var dispose = client.subscribe(params, {
          next: function (v) { sink.next(v); },
          error: function (e) { sink.error(e); },
          complete: function () { sink.complete(); },
        });
        return { unsubscribe: dispose };
      },
    };
  }
  var saved = localStorage.getItem('graphiql:headers');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var timer = null, lastHeaders = saved;
  // A new fetcher function makes GraphiQL fetch the schema again.
  function render() {
    var current = function (params, opts) { return fetcher(params, opts); };
    root.render(React.createElement(GraphiQL, {
      fetcher: current,
      headerEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultQuery: ${JSON.stringify(GRAPHIQL_DEFAULT_QUERY)},
      defaultHeaders: saved || ${JSON.stringify(DEFAULT_HEADERS)},
      onEditHeaders: function (value) {
        if (value === lastHeaders) return;
        lastHeaders = value;
        clearTimeout(timer);
        timer = setTimeout(render, 400);
      },
    }));
  }
  render();
})();
</script>
</body>
</html>`;
}
