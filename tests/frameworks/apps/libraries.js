// Libraries Workers scripts bundle: zod 3 (validation), jose (JWT, JWS, JWE over
// crypto.subtle), nanoid. Everything answered is deterministic: random keys, IVs and ids
// are checked by what they verify or by their shape.
import { z } from 'zod'
import * as jose from 'jose'
import { nanoid, customAlphabet } from 'nanoid'

const User = z.object({
  name: z.string().min(2).max(20),
  email: z.string().email(),
  age: z.number().int().positive().optional(),
  tags: z.array(z.enum(['a', 'b', 'c'])).default([]),
  meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
}).strict()

const secret = new TextEncoder().encode('a-string-secret-at-least-256-bits-long')
// A fixed RSA key (made once with Node's crypto.generateKeyPairSync): RS256 signatures are
// deterministic, so both sides must produce the same token.
const RSA_JWK = {"kty":"RSA","n":"nwEi_ZH06ZkudkJj5rdDZE5yLhawlSLBhIPbGHL0RXxwry_ueVxtxj-KcivMBJDsXkQpZ3HToCr6oMjZqtVi0vH_Oekgotii8-SviQgyysy9n7FIfN6QptdoS3d-IfTsVAahwUfmBdbbXzbShGbyfIicC6JF5Q1afK0sjyL87CF5xqNG851dYZ18kH4-KA3hKfPAhI8ueHrVzbcSRwfJPmUfKDzxFoMnobL6_z6YjnsPArBCz3xTi07daFKF8Q7xVMGGHQ2bjgfwTSEjHnohtYvznpDn-M2Bn-sJfssqANEspM2FvASXU1SKDVG3-CXdRWZ3XuujHvzQqKBDQ3wh2Q","e":"AQAB","d":"D3LxMwU8kDpaj_G3Km5tuTgggq8gcNsXxZ_4mJVpu7shqTndYDQNc-zOTzXHbL2mg6m4gqUmAFrQr3DYak9xmsiZyWcH7V6iZZNXhVdTNQ5j0blsTzqiQB2vk96MNjEpiaf7zS9mz3Qu7B9D4MquXpB45e36P802eKTsTouCGtCmHqQq6UU1-hYLGS1bj_vxFIKi72p5riJK4vxDZtxov151HBgdAdBvA4QWf4gyaKQ80tG4CcD7v_yutyuMbg6BVQqTjrHvaKMhe8AA8BpYd1KM5a6-d4xm7NgLFNQLfPtpE06R2CcxGWsVsVNx1fYB8TDb6f2LIVStagi1DwuncQ","p":"z_XdJkgMw3dIBXc1IcscMvxU2OHTWmtAen4YWFWb-R_sRo0gauKPr5F4j79grlRxrgwdltpDF3MAAX3uE53ZdWoC5V53g-E55CL7qlXPUW3gspqQgXgpca__jY9E3BA_ZkEr80P3zvOQuMpjAdg0WOs78SZdgmKHhdliP3A4CWk","q":"w7wrD6Q6VHZPpf9H4o_fG965EwsMy0clpBz5CvATsBX7HGWSWKASAqgP7GSZkQrBsUmH6HCggIHYOIZkFKrDsWAjG3RQ3j8iLaOEDsnU8F2UQkSEbBlfrB9XTCi6nIQhQ3VKJ2S0pEmBRC5tocpqw6Ow5ROnvNNm5QQijBrCVvE","dp":"ayu7knTjDwCzvw1V9lpj5-qeFz8Z2qkXC4lcJnnH7bUD4L_uCudDQSloxjvMKUsfYqCfxxQoKzd6s0ognT9lx9qgL3BlizNQ0D8vDvM16jMD70c0XWR9hzc6Lcu9ouNEqP_BFJbcaGyhEnpKV7MCFyjzNS2eVwlL6jDDLwo39rE","dq":"KAJKewQCuEkGttObigAGhtfb1LypfNOqKgWSEl5IZ_HWRlOsuljd1ZUszBE0IqWkOezhzu1WoW3pGIS_6EmPfq47_tyjuwoEnneSAsPWttsp9vGyb7YwDCrL2VFp85w-gF91LOA03G_58EndNvj9IchP3ENMQhikK6PQu_qsRsE","qi":"ss4rA7IiaOVXvRitc2nplqW8ejVUSv43fwoJdQjoDcy-Umy67VCwFSAlGpbLeFvMaAC5Y0uWiMGRz3Im9bqyBqxwrXIpTNr1zPsLYlh_YWovPJXwFo25yRep3SEhRwQbrIgu99ciqFgb_Fw0w2gzlVvHOr_tzhQuD-uGwr8AnRY"}

async function handle(path, request) {
  const out = {}
  if (path === '/zod') {
    const r = User.safeParse(await request.json())
    out.success = r.success
    if (r.success) out.data = r.data
    else out.issues = r.error.issues.map((i) => ({ path: i.path, code: i.code, message: i.message }))
  } else if (path === '/jose/hs256') {
    const jwt = await new jose.SignJWT({ 'urn:x:claim': true, n: 1 }).setProtectedHeader({ alg: 'HS256' })
      .setIssuer('urn:iss').setAudience('urn:aud').setExpirationTime(4102444800).sign(secret)
    const { payload, protectedHeader } = await jose.jwtVerify(jwt, secret, { issuer: 'urn:iss', audience: 'urn:aud' })
    out.jwt = jwt
    out.payload = payload
    out.header = protectedHeader
    try { await jose.jwtVerify(jwt, secret, { issuer: 'urn:other' }) } catch (e) { out.bad = e.code }
  } else if (path === '/jose/rs256') {
    const priv = await jose.importJWK(RSA_JWK, 'RS256')
    const { d, p, q, dp, dq, qi, ...pubJwk } = RSA_JWK
    const pub = await jose.importJWK(pubJwk, 'RS256')
    const jwt = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(priv)
    out.jwt = jwt
    out.payload = (await jose.jwtVerify(jwt, pub)).payload
    out.thumbprint = await jose.calculateJwkThumbprint(pubJwk)
  } else if (path === '/jose/es256') {
    const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true })
    const jws = await new jose.CompactSign(new TextEncoder().encode('payload')).setProtectedHeader({ alg: 'ES256' }).sign(privateKey)
    out.verified = new TextDecoder().decode((await jose.compactVerify(jws, publicKey)).payload)
    const jwk = await jose.exportJWK(publicKey)
    out.kty = jwk.kty
    out.crv = jwk.crv
    out.reverified = (await jose.compactVerify(jws, await jose.importJWK(jwk, 'ES256'))).payload.length
  } else if (path === '/jose/jwe') {
    const key = new Uint8Array(32).fill(7)
    const jwe = await new jose.CompactEncrypt(new TextEncoder().encode('secret text'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(key)
    out.plain = new TextDecoder().decode((await jose.compactDecrypt(jwe, key)).plaintext)
    out.header = jose.decodeProtectedHeader(jwe)
    try { await jose.compactDecrypt(jwe, new Uint8Array(32)) } catch (e) { out.wrongKey = e.code }
  } else if (path === '/nanoid') {
    out.len = nanoid().length
    out.alphabet = /^[A-Za-z0-9_-]{21}$/.test(nanoid())
    out.custom = /^[ab]{10}$/.test(customAlphabet('ab', 10)())
  } else {
    return new Response('no such path', { status: 404 })
  }
  return Response.json(out)
}

export default {
  async fetch(request) {
    try {
      return await handle(new URL(request.url).pathname, request)
    } catch (e) {
      return new Response(e.name + ': ' + e.message, { status: 500 })
    }
  },
}
