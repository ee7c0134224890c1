// Hono's bundled middleware and helpers: compression, JWT (HMAC through crypto.subtle),
// bearer auth, CSRF, body limits, validators, streaming (text and server-sent events),
// signed cookies, HTML escaping, sub-apps with optional parameters.
import { Hono } from 'hono'
import { jwt, sign, verify } from 'hono/jwt'
import { compress } from 'hono/compress'
import { timing } from 'hono/timing'
import { validator } from 'hono/validator'
import { bearerAuth } from 'hono/bearer-auth'
import { prettyJSON } from 'hono/pretty-json'
import { streamText, streamSSE } from 'hono/streaming'
import { HTTPException } from 'hono/http-exception'
import { csrf } from 'hono/csrf'
import { bodyLimit } from 'hono/body-limit'
import { trimTrailingSlash } from 'hono/trailing-slash'
import { html, raw } from 'hono/html'
import { getSignedCookie, setSignedCookie } from 'hono/cookie'
import { logger } from 'hono/logger'
import { methodOverride } from 'hono/method-override'

const SECRET = 'it-is-a-secret'
const app = new Hono()
app.use(logger((...a) => {}))
app.use('/c/*', compress())
app.use('/pretty/*', prettyJSON())
app.use('/bearer/*', bearerAuth({ token: 'tok' }))
app.use('/jwt/*', jwt({ secret: SECRET, alg: 'HS256' }))
app.use('/csrf/*', csrf({ origin: 'https://example.com' }))
app.use('/limit/*', bodyLimit({ maxSize: 10, onError: (c) => c.text('too big', 413) }))
app.use(trimTrailingSlash())
app.get('/c/big', (c) => c.text('x'.repeat(5000)))
app.get('/pretty/j', (c) => c.json({ a: 1, b: [1, 2] }))
app.get('/bearer/x', (c) => c.text('ok bearer'))
app.get('/sign', async (c) => c.text(await sign({ sub: 'ada', role: 'admin', exp: 4102444800 }, SECRET, 'HS256')))
app.get('/jwt/me', (c) => c.json(c.get('jwtPayload')))
app.post('/csrf/form', (c) => c.text('posted'))
app.post('/limit/up', async (c) => c.text('got ' + (await c.req.text()).length))
app.get('/slash', (c) => c.text('no slash'))
app.post('/v', validator('json', (v, c) => { if (typeof v.n !== 'number') return c.text('invalid', 400); return v }), (c) => c.json({ n: c.req.valid('json').n * 2 }))
app.get('/st', (c) => streamText(c, async (s) => { await s.write('one '); await s.sleep(5); await s.writeln('two'); }))
app.get('/sse', (c) => streamSSE(c, async (s) => { await s.writeSSE({ data: 'hello', event: 'greet', id: '1' }); }))
app.get('/http-exc', () => { throw new HTTPException(418, { message: 'teapot' }) })
app.get('/html', (c) => c.html(html`<p>${'<esc>'}</p>${raw('<b>raw</b>')}`))
app.get('/signed', async (c) => { const v = await getSignedCookie(c, SECRET, 'sid'); await setSignedCookie(c, 'sid', 'v1', SECRET, { path: '/' }); return c.text('had ' + v) })
app.get('/url', (c) => c.json({ url: c.req.url, path: c.req.path, routePath: c.req.routePath, method: c.req.method }))
const sub = new Hono().basePath('/sub')
sub.get('/:a/:b?', (c) => c.json(c.req.param()))
app.route('/', sub)
app.onError((err, c) => err instanceof HTTPException ? err.getResponse() : c.text('error: ' + err.message, 500))
export default app
