// Demo: redirect by country (ES5). The client's country comes from request.eo.geo (the
// gateway fills it from a trusted header, "geo_country_header" in its configuration).
var SITES = { FR: '/fr/', DE: '/de/', JP: '/jp/', CN: '/cn/' };

addEventListener('fetch', function (event) {
  var request = event.request;
  var geo = request.eo && request.eo.geo ? request.eo.geo : {};
  var country = geo.countryCodeAlpha2 || '';
  var target = SITES[country] || '/en/';
  var url = new URL(request.url);
  event.respondWith(new Response('Redirecting to ' + target + ' for country ' +
      (country || 'unknown') + '\n', {
    status: 302,
    headers: {
      'location': url.origin + target,
      'content-type': 'text/plain; charset=utf-8',
      'vary': 'X-Country',
      'cache-control': 'private, no-store'
    }
  }));
});
