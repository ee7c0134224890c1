// Demo: an HMAC-signed URL check with crypto.subtle (ES5). /signed/PATH?exp=UNIX&sig=HEX is
// served from the origin's PATH only when sig = HMAC-SHA256(SECRET, PATH + ':' + exp) and
// exp is in the future; /sign/PATH answers with a signed link valid for 5 minutes.
var SECRET = 'edgefn-demo-secret';

function hex(buffer) {
  var bytes = new Uint8Array(buffer);
  var out = '';
  for (var i = 0; i < bytes.length; i++) {
    out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  }
  return out;
}

function unhex(s) {
  if (!/^([0-9a-f]{2})*$/.test(s)) {
    return null;
  }
  var out = new Uint8Array(s.length / 2);
  for (var i = 0; i < out.length; i++) {
    out[i] = parseInt(s.substr(i * 2, 2), 16);
  }
  return out;
}

function key() {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function text(body, status) {
  return new Response(body + '\n', { status: status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

addEventListener('fetch', function (event) {
  var url = new URL(event.request.url);
  if (url.pathname.indexOf('/sign/') === 0) {
    var path = url.pathname.substring(5);
    var exp = Math.floor(Date.now() / 1000) + 300;
    event.respondWith(key().then(function (k) {
      return crypto.subtle.sign('HMAC', k, new TextEncoder().encode(path + ':' + exp));
    }).then(function (sig) {
      return text(url.origin + '/signed' + path + '?exp=' + exp + '&sig=' + hex(sig), 200);
    }));
    return;
  }
  var target = url.pathname.substring(7); // after "/signed"
  var expText = url.searchParams.get('exp') || '';
  var sig = unhex(url.searchParams.get('sig') || '');
  if (!/^\d+$/.test(expText) || !sig || sig.length !== 32) {
    event.respondWith(text('missing or malformed exp/sig', 403));
    return;
  }
  if (parseInt(expText, 10) < Date.now() / 1000) {
    event.respondWith(text('link expired', 403));
    return;
  }
  event.respondWith(key().then(function (k) {
    return crypto.subtle.verify('HMAC', k, sig, new TextEncoder().encode(target + ':' + expText));
  }).then(function (ok) {
    if (!ok) {
      return text('bad signature', 403);
    }
    return fetch(url.origin + target);
  }));
});
