// Utility libraries Workers scripts bundle, each answered on its own path: marked
// (Markdown), date-fns, valibot, uuid, superjson, yaml, lodash-es, cookie, qs, ua-parser-js,
// dayjs, fast-xml-parser, path-to-regexp, @tsndr/cloudflare-worker-jwt, mime, he, js-base64. (lodash's template() is
// left out: it compiles with new Function, which Workers and this library refuse.)
import { marked } from 'marked'
import { format, addDays, differenceInCalendarDays, parseISO, formatDistanceStrict } from 'date-fns'
import * as v from 'valibot'
import { v5 as uuidv5, validate as uuidValidate, v4 as uuidv4 } from 'uuid'
import superjson from 'superjson'
import YAML from 'yaml'
import { groupBy, sortBy, debounce, cloneDeep, merge, chunk } from 'lodash-es'
import * as cookie from 'cookie'
import qs from 'qs'
import { UAParser } from 'ua-parser-js'
import dayjs from 'dayjs'
import { XMLParser, XMLBuilder } from 'fast-xml-parser'
import { match, compile, pathToRegexp } from 'path-to-regexp'
import jwt from '@tsndr/cloudflare-worker-jwt'
import mime from 'mime'
import he from 'he'
import { Base64 } from 'js-base64'

const checks = {
  marked: () => marked.parse('# Title\n\nSome *em* and **strong** text with `code`.\n\n- a\n- b\n\n```js\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'),
  dateFns: () => { const d = parseISO('2024-02-27T10:00:00Z'); return [format(addDays(d, 3), 'yyyy-MM-dd'), differenceInCalendarDays(addDays(d, 10), d), formatDistanceStrict(d, addDays(d, 45))].join('|') },
  valibot: () => { const S = v.object({ a: v.pipe(v.string(), v.minLength(3)), n: v.optional(v.number()) }); const r1 = v.safeParse(S, { a: 'abcd', n: 1 }); const r2 = v.safeParse(S, { a: 'x' }); return JSON.stringify([r1.success, r1.output, r2.success, r2.issues.map((i) => i.message)]) },
  uuid: () => [uuidv5('hello', uuidv5.DNS), uuidValidate(uuidv4()), uuidValidate('nope')].join('|'),
  superjson: () => { const s = superjson.stringify({ d: new Date(0), m: new Map([[1, 'a']]), s: new Set([1]), u: undefined, r: /x/g }); const back = superjson.parse(s); return s + '|' + (back.m instanceof Map) + (back.d instanceof Date) + (back.r instanceof RegExp) },
  yaml: () => { const doc = YAML.parse('a: 1\nb:\n  - x\n  - y: [1, 2]\nc: "str"\n'); return JSON.stringify(doc) + '|' + YAML.stringify({ k: [1, { z: 'q' }] }) },
  lodash: () => JSON.stringify([groupBy([6.1, 4.2, 6.3], Math.floor), sortBy([{ a: 2 }, { a: 1 }], 'a'), typeof debounce(() => 1, 10), merge({ a: [{ b: 2 }] }, { a: [{ c: 3 }] }), cloneDeep({ x: [1, { y: 2 }] }), chunk([1, 2, 3, 4, 5], 2)]),
  cookie: () => JSON.stringify([cookie.parse('a=1; b=x%20y; c="q"'), cookie.serialize('s', 'v w', { httpOnly: true, maxAge: 60, sameSite: 'lax', path: '/' })]),
  qs: () => JSON.stringify([qs.parse('a[b][c]=1&d[]=2&d[]=3&e=x%20y'), qs.stringify({ a: { b: [1, 2] }, c: 'x y' })]),
  ua: () => { const r = new UAParser('Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1').getResult(); return JSON.stringify([r.browser.name, r.browser.major, r.os.name, r.os.version, r.device.type, r.device.vendor]) },
  dayjs: () => [dayjs('2024-02-27T10:00:00Z').add(3, 'day').format('YYYY-MM-DD'), dayjs('2024-01-31').add(1, 'month').format('YYYY-MM-DD'), dayjs('2024-03-01').diff('2024-02-01', 'day')].join('|'),
  xml: () => { const p = new XMLParser({ ignoreAttributes: false }); const o = p.parse('<r a="1"><i>x</i><i>y</i><n>5</n></r>'); return JSON.stringify(o) + '|' + new XMLBuilder({ ignoreAttributes: false }).build(o) },
  ptr: () => { const m = match('/users/:id/books/:book')('/users/42/books/abc'); return JSON.stringify([m && m.params, compile('/a/:x')({ x: 'y z' }), String(pathToRegexp('/p/:q').regexp)]) },
  jwt: async () => { const t = await jwt.sign({ sub: 'ada', exp: 4102444800 }, 'secret'); const ok = await jwt.verify(t, 'secret'); const bad = await jwt.verify(t, 'nope').catch((e) => 'threw'); const p = jwt.decode(t).payload; return [!!ok, p.sub, p.exp, typeof p.iat, String(bad)].join('|') },
  mime: () => [mime.getType('txt'), mime.getType('a/b.webp'), mime.getExtension('application/json')].join('|'),
  he: () => he.encode('<a href="x">é & ☃</a>') + '|' + he.decode('&lt;p&gt;&eacute;&#x2603;&amp;&copy;'),
  base64: () => [Base64.encode('héllo ☃'), Base64.decode('aMOpbGxvIOKYgw=='), Base64.encodeURI('???'), Base64.fromUint8Array(new Uint8Array([255, 0, 1]))].join('|')
}

export default {
  async fetch(request) {
    const name = new URL(request.url).pathname.slice(1)
    const check = checks[name]
    if (!check) return new Response('no such check', { status: 404 })
    try {
      return new Response((await check()) + '\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } })
    } catch (e) {
      return new Response(e.name + ': ' + e.message, { status: 500 })
    }
  },
}
