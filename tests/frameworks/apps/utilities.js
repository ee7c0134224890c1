// Utility libraries Workers scripts bundle, each answered on its own path: marked
// (Markdown), date-fns, valibot, uuid, superjson, yaml, lodash-es. (lodash's template() is
// left out: it compiles with new Function, which Workers and this library refuse.)
import { marked } from 'marked'
import { format, addDays, differenceInCalendarDays, parseISO, formatDistanceStrict } from 'date-fns'
import * as v from 'valibot'
import { v5 as uuidv5, validate as uuidValidate, v4 as uuidv4 } from 'uuid'
import superjson from 'superjson'
import YAML from 'yaml'
import { groupBy, sortBy, debounce, cloneDeep, merge, chunk } from 'lodash-es'

const checks = {
  marked: () => marked.parse('# Title\n\nSome *em* and **strong** text with `code`.\n\n- a\n- b\n\n```js\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'),
  dateFns: () => { const d = parseISO('2024-02-27T10:00:00Z'); return [format(addDays(d, 3), 'yyyy-MM-dd'), differenceInCalendarDays(addDays(d, 10), d), formatDistanceStrict(d, addDays(d, 45))].join('|') },
  valibot: () => { const S = v.object({ a: v.pipe(v.string(), v.minLength(3)), n: v.optional(v.number()) }); const r1 = v.safeParse(S, { a: 'abcd', n: 1 }); const r2 = v.safeParse(S, { a: 'x' }); return JSON.stringify([r1.success, r1.output, r2.success, r2.issues.map((i) => i.message)]) },
  uuid: () => [uuidv5('hello', uuidv5.DNS), uuidValidate(uuidv4()), uuidValidate('nope')].join('|'),
  superjson: () => { const s = superjson.stringify({ d: new Date(0), m: new Map([[1, 'a']]), s: new Set([1]), u: undefined, r: /x/g }); const back = superjson.parse(s); return s + '|' + (back.m instanceof Map) + (back.d instanceof Date) + (back.r instanceof RegExp) },
  yaml: () => { const doc = YAML.parse('a: 1\nb:\n  - x\n  - y: [1, 2]\nc: "str"\n'); return JSON.stringify(doc) + '|' + YAML.stringify({ k: [1, { z: 'q' }] }) },
  lodash: () => JSON.stringify([groupBy([6.1, 4.2, 6.3], Math.floor), sortBy([{ a: 2 }, { a: 1 }], 'a'), typeof debounce(() => 1, 10), merge({ a: [{ b: 2 }] }, { a: [{ c: 3 }] }), cloneDeep({ x: [1, { y: 2 }] }), chunk([1, 2, 3, 4, 5], 2)]),
}

export default {
  fetch(request) {
    const name = new URL(request.url).pathname.slice(1)
    const check = checks[name]
    if (!check) return new Response('no such check', { status: 404 })
    try {
      return new Response(check() + '\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } })
    } catch (e) {
      return new Response(e.name + ': ' + e.message, { status: 500 })
    }
  },
}
