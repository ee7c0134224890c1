const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
const seed = new Uint8Array(32).map((_, i) => i + 1);
const first = (async () => {
  const subtle = crypto.subtle;
  // RFC 8032 test 1
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ...[0x9d,0x61,0xb1,0x9d,0xef,0xfd,0x5a,0x60,0xba,0x84,0x4a,0xf4,0x92,0xec,0x2c,0xc4,0x44,0x49,0xc5,0x69,0x7b,0x32,0x69,0x19,0x70,0x3b,0xac,0x03,0x1c,0xae,0x7f,0x60]]);
  const priv = await subtle.importKey('pkcs8', pkcs8, 'Ed25519', true, ['sign']);
  console.log(priv.type, priv.algorithm, priv.usages, priv.extractable);
  const sig = await subtle.sign('Ed25519', priv, new Uint8Array(0));
  console.log(hex(sig));
  const jwk = await subtle.exportKey('jwk', priv);
  console.log(JSON.stringify(jwk));
  const pub = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, true, ['verify']);
  console.log(pub.type, hex(await subtle.exportKey('raw', pub)), hex(await subtle.exportKey('spki', pub)));
  console.log(await subtle.verify('Ed25519', pub, sig, new Uint8Array(0)), await subtle.verify('Ed25519', pub, sig, new Uint8Array(1)), await subtle.verify('Ed25519', pub, sig.slice(1), new Uint8Array(0)));
  console.log(hex(await subtle.exportKey('pkcs8', priv)) === hex(pkcs8));
  const { publicKey, privateKey } = await subtle.generateKey('Ed25519', false, ['sign', 'verify']);
  console.log(publicKey.usages, privateKey.usages, publicKey.extractable, privateKey.extractable, publicKey.algorithm.name);
  const msg = new TextEncoder().encode('hello edge');
  const s2 = await subtle.sign({ name: 'Ed25519' }, privateKey, msg);
  console.log(new Uint8Array(s2).length, await subtle.verify('Ed25519', publicKey, s2, msg));
  const raw = await subtle.importKey('raw', await subtle.exportKey('raw', publicKey), 'Ed25519', false, ['verify']);
  console.log(await subtle.verify('Ed25519', raw, s2, msg));
  const jwkPub = await subtle.exportKey('jwk', publicKey); console.log(Object.keys(jwkPub).join(), jwkPub.kty, jwkPub.crv);
  for (const [what, f] of [
    ['raw 31 bytes', () => subtle.importKey('raw', new Uint8Array(31), 'Ed25519', true, ['verify'])],
    ['raw private usage', () => subtle.importKey('raw', new Uint8Array(32), 'Ed25519', true, ['sign'])],
    ['pkcs8 garbage', () => subtle.importKey('pkcs8', new Uint8Array(48), 'Ed25519', true, ['sign'])],
    ['spki garbage', () => subtle.importKey('spki', new Uint8Array(44), 'Ed25519', true, ['verify'])],
    ['jwk wrong crv', () => subtle.importKey('jwk', { kty: 'OKP', crv: 'X25519', x: jwk.x }, 'Ed25519', true, ['verify'])],
    ['jwk wrong d', () => subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwkPub.x }, 'Ed25519', true, ['sign'])],
    ['jwk alg EdDSA', () => subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, alg: 'EdDSA' }, 'Ed25519', true, ['verify'])],
    ['jwk alg bad', () => subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, alg: 'ES256' }, 'Ed25519', true, ['verify'])],
    ['sign with public', () => subtle.sign('Ed25519', pub, msg)],
    ['export raw private', () => subtle.exportKey('raw', priv)],
    ['export pkcs8 public', () => subtle.exportKey('pkcs8', pub)],
    ['gen no usages', () => subtle.generateKey('Ed25519', true, [])],
    ['gen encrypt', () => subtle.generateKey('Ed25519', true, ['encrypt'])],
  ]) {
    try { const r = await f(); console.log(what, 'ok', r && r.type); } catch (e) { console.log(what, e.name); }
  }
})();
// RFC 8032 test 2, and the Discord interactions check (hex public key, signature over timestamp + body)
first.then(async () => {
  const fromHex = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
  const pub = await crypto.subtle.importKey('raw', fromHex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'), { name: 'Ed25519' }, false, ['verify']);
  const sig = fromHex('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
  console.log('rfc8032 test 2', await crypto.subtle.verify('Ed25519', pub, sig, fromHex('72')), await crypto.subtle.verify('Ed25519', pub, sig, fromHex('73')));
  const { publicKey, privateKey } = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
  const body = JSON.stringify({ type: 1 }), timestamp = '1700000000';
  const signature = await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(timestamp + body));
  const hexKey = [...new Uint8Array(await crypto.subtle.exportKey('raw', publicKey))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const key = await crypto.subtle.importKey('raw', fromHex(hexKey), { name: 'Ed25519', namedCurve: 'Ed25519' }, false, ['verify']);
  console.log('discord-style', await crypto.subtle.verify('Ed25519', key, signature, new TextEncoder().encode(timestamp + body)), await crypto.subtle.verify('Ed25519', key, signature, new TextEncoder().encode(timestamp + body + ' ')));
});
