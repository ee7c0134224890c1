// Demo: an A/B test with a sticky cookie (ES5). The first visit is assigned bucket a or b at
// random and gets a Set-Cookie; later visits keep their bucket. The page itself comes from
// the origin (/ab/a.html or /ab/b.html) through the cache.
function bucketOf(cookieHeader) {
  var m = /(?:^|;\s*)ab-bucket=(a|b)(?:;|$)/.exec(cookieHeader || '');
  return m ? m[1] : null;
}

addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  var bucket = bucketOf(request.headers.get('cookie'));
  var assigned = false;
  if (url.searchParams.get('force') === 'a' || url.searchParams.get('force') === 'b') {
    bucket = url.searchParams.get('force');
    assigned = true;
  } else if (!bucket) {
    bucket = Math.random() < 0.5 ? 'a' : 'b';
    assigned = true;
  }
  var target = url.origin + '/ab/' + bucket + '.html';
  event.respondWith(fetch(target).then(function (r) {
    return r.arrayBuffer().then(function (body) {
      var headers = new Headers(r.headers);
      headers.set('x-ab-bucket', bucket);
      headers.set('cache-control', 'private, no-store');
      if (assigned) {
        headers.append('set-cookie', 'ab-bucket=' + bucket +
            '; Path=/; Max-Age=2592000; SameSite=Lax');
      }
      return new Response(body, { status: r.status, headers: headers });
    });
  }));
});
