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

/** The GraphiQL page: fetcher over HTTP for queries and graphql-ws for subscriptions, on the same path. */
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
    for (var k in headers) if (k.toLowerCase() === 'authorization') return headers[k];
    return undefined;
  }
  var httpFetcher = GraphiQL.createFetcher({ url: url });
  var clients = {};
  function wsClient(auth) {
    var key = auth || '';
    if (!clients[key]) clients[key] = graphqlWs.createClient({ url: wsUrl, connectionParams: auth ? { authorization: auth } : {} });
    return clients[key];
  }
  function fetcher(params, opts) {
    var isSub = /^\\s*subscription\\b/.test(params.query || '') || (params.operationName && new RegExp('subscription\\\\s+' + params.operationName + '\\\\b').test(params.query || ''));
    if (!isSub) return httpFetcher(params, opts);
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
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    headerEditorEnabled: true,
    shouldPersistHeaders: true,
    defaultHeaders: saved || '{\\n  "Authorization": "Bearer <your token>"\\n}',
  }));
})();
</script>
</body>
</html>`;
}
