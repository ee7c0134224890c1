// X25519 (RFC 7748 section 6.1 vector, both sides agreeing, deriveKey, every format, the errors)
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
const pk8 = (k) => new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20, ...fromHex(k)]);
(async () => {
  const S = crypto.subtle;
  // RFC 7748 section 6.1
  const a = await S.importKey('pkcs8', pk8('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), 'X25519', true, ['deriveKey', 'deriveBits']);
  const bPub = await S.importKey('raw', fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'), 'X25519', true, []);
  console.log(a.type, a.algorithm, a.usages, bPub.type, bPub.usages);
  console.log(hex(await S.deriveBits({ name: 'X25519', public: bPub }, a, 256)));
  console.log(hex(await S.deriveBits({ name: 'X25519', public: bPub }, a, null)).length, hex(await S.deriveBits({ name: 'X25519', public: bPub }, a, 12)));
  const jwk = await S.exportKey('jwk', a); console.log(JSON.stringify(jwk));
  console.log(hex(await S.exportKey('spki', bPub)), hex(await S.exportKey('pkcs8', a)).slice(0, 40));
  const apub = await S.importKey('jwk', { kty: 'OKP', crv: 'X25519', x: jwk.x }, 'X25519', true, []);
  console.log(hex(await S.exportKey('raw', apub)));
  const { publicKey, privateKey } = await S.generateKey('X25519', true, ['deriveKey', 'deriveBits']);
  console.log(publicKey.usages, privateKey.usages, publicKey.algorithm.name);
  const s1 = await S.deriveBits({ name: 'X25519', public: bPub }, privateKey, 256);
  const k = await S.deriveKey({ name: 'X25519', public: publicKey }, a, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
  console.log(k.algorithm, new Uint8Array(s1).length);
  // both sides agree
  const kp2 = await S.generateKey('X25519', false, ['deriveBits']);
  const x1 = hex(await S.deriveBits({ name: 'X25519', public: kp2.publicKey }, privateKey, 256));
  const x2 = hex(await S.deriveBits({ name: 'X25519', public: publicKey }, kp2.privateKey, 256));
  console.log('agree', x1 === x2);
  for (const [what, f] of [
    ['zero point', async () => S.deriveBits({ name: 'X25519', public: await S.importKey('raw', new Uint8Array(32), 'X25519', true, []) }, a, 256)],
    ['too long', () => S.deriveBits({ name: 'X25519', public: bPub }, a, 512)],
    ['wrong public', async () => S.deriveBits({ name: 'X25519', public: (await S.generateKey('Ed25519', true, ['sign'])).publicKey }, a, 256)],
    ['public as base', () => S.deriveBits({ name: 'X25519', public: bPub }, bPub, 256)],
    ['sign usage', () => S.generateKey('X25519', true, ['sign'])],
    ['raw with usage', () => S.importKey('raw', new Uint8Array(32), 'X25519', true, ['deriveBits'])],
    ['ed pkcs8 as x', () => S.importKey('pkcs8', new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...new Uint8Array(32)]), 'X25519', true, ['deriveBits'])],
    ['no public', () => S.deriveBits({ name: 'X25519' }, a, 256)],
  ]) { try { await f(); console.log(what, 'ok'); } catch (e) { console.log(what, e.name); } }
})();
