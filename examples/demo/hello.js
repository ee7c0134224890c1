// The demo edge function served by `edgefn-gateway --demo`. ES5 only, service-worker style:
//   /       a greeting
//   /echo   the request's method, URL and User-Agent as JSON
//   /loop   never returns, so the per-request CPU budget has to stop it
//   other   404
addEventListener('fetch', function (event) {
  event.respondWith(handle(event.request));
});

function pathOf(url) {
  // The URL is absolute ("http://host/path?query"): drop the origin, the query and the
  // fragment without relying on the URL class.
  var rest = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\/?#]*/, '');
  var end = rest.search(/[?#]/);
  if (end >= 0) {
    rest = rest.substring(0, end);
  }
  return rest === '' ? '/' : rest;
}

function text(body, status) {
  return new Response(body, {
    status: status,
    headers: { 'content-type': 'text/plain; charset=utf-8' }
  });
}

function handle(request) {
  var path = pathOf(request.url);
  if (path === '/') {
    return text('Hello from libedgefn!\n', 200);
  }
  if (path === '/echo') {
    var body = JSON.stringify({
      method: request.method,
      url: request.url,
      userAgent: request.headers.get('user-agent')
    });
    return new Response(body + '\n', {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' }
    });
  }
  if (path === '/loop') {
    while (true) {}
  }
  return text('Not found: ' + path + '\n', 404);
}
