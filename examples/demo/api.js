// Demo: a small JSON API (ES5). GET /api/time, GET /api/items, GET /api/items/ID,
// POST /api/echo (echoes the JSON body back with its size).
var ITEMS = [
  { id: 1, name: 'edge', tags: ['fast', 'small'] },
  { id: 2, name: 'cache', tags: ['rfc9111'] },
  { id: 3, name: 'origin', tags: ['far'] }
];

function json(value, status) {
  return new Response(JSON.stringify(value) + '\n', {
    status: status || 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  });
}

function handle(request) {
  var url = new URL(request.url);
  var path = url.pathname;
  if (path === '/api/time') {
    return json({ now: new Date().toISOString(), epochMs: Date.now() });
  }
  if (path === '/api/items') {
    var tag = url.searchParams.get('tag');
    var out = [];
    for (var i = 0; i < ITEMS.length; i++) {
      if (!tag || ITEMS[i].tags.indexOf(tag) >= 0) {
        out.push(ITEMS[i]);
      }
    }
    return json({ items: out, count: out.length });
  }
  var m = /^\/api\/items\/(\d+)$/.exec(path);
  if (m) {
    for (var j = 0; j < ITEMS.length; j++) {
      if (ITEMS[j].id === parseInt(m[1], 10)) {
        return json(ITEMS[j]);
      }
    }
    return json({ error: 'no item ' + m[1] }, 404);
  }
  if (path === '/api/echo' && request.method === 'POST') {
    return request.text().then(function (body) {
      var parsed;
      try {
        parsed = JSON.parse(body);
      } catch (e) {
        return json({ error: 'body is not JSON: ' + e.message }, 400);
      }
      return json({ received: parsed, bytes: body.length });
    });
  }
  return json({ error: 'no route ' + request.method + ' ' + path }, 404);
}

addEventListener('fetch', function (event) {
  event.respondWith(handle(event.request));
});
