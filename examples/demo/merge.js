// Demo: a merge of several origin fragments into one page (ES5). The fragments are fetched
// at the same time through the cache; the page is assembled in order. (Buffered today: the
// response is built once every fragment has arrived; with the Streams work it will stream
// each fragment as soon as the ones before it are sent.)
var PARTS = ['/fragments/header.html', '/fragments/body.html', '/fragments/footer.html'];

addEventListener('fetch', function (event) {
  var origin = new URL(event.request.url).origin;
  var pending = [];
  for (var i = 0; i < PARTS.length; i++) {
    pending.push(fetch(origin + PARTS[i]).then(function (r) {
      return r.ok ? r.text() : '<!-- fragment failed: ' + r.status + ' -->';
    }));
  }
  event.respondWith(Promise.all(pending).then(function (texts) {
    return new Response(texts.join(''), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'x-merged-parts': String(texts.length) }
    });
  }));
});
