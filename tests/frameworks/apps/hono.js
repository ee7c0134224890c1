// A Hono app (Workers module syntax) touching the framework's common paths: routing with
// parameters, middleware (CORS, ETag, secure headers, basic auth), JSON bodies, cookies,
// redirects, HTML, not-found and error handlers.
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { etag } from 'hono/etag'
import { secureHeaders } from 'hono/secure-headers'
import { basicAuth } from 'hono/basic-auth'
import { getCookie, setCookie } from 'hono/cookie'

const app = new Hono()
app.use('/api/*', cors({ origin: 'https://example.com', allowMethods: ['GET', 'POST'] }))
app.use('/etag/*', etag())
app.use('/secure/*', secureHeaders())
app.use('/admin/*', basicAuth({ username: 'ada', password: 'lovelace' }))

app.get('/', (c) => c.text('Hello Hono!'))
app.get('/api/items/:id{[0-9]+}', (c) =>
  c.json({ id: Number(c.req.param('id')), q: c.req.query('q') ?? null, tags: c.req.queries('tag') ?? [] }))
app.post('/api/echo', async (c) => {
  const body = await c.req.json()
  return c.json({ got: body, type: c.req.header('content-type') }, 201)
})
app.post('/form', async (c) => {
  const form = await c.req.parseBody()
  return c.json(form)
})
app.get('/etag/x', (c) => c.text('tagged'))
app.get('/secure/page', (c) => c.html('<p>secure</p>'))
app.get('/admin/panel', (c) => c.text('welcome ' + c.req.header('authorization')))
app.get('/redirect', (c) => c.redirect('/target', 301))
app.get('/cookie', (c) => {
  const seen = getCookie(c, 'visits') ?? '0'
  setCookie(c, 'visits', String(Number(seen) + 1), { path: '/', httpOnly: true, maxAge: 60 })
  return c.text('visits ' + seen)
})
app.get('/headers', (c) => {
  const names = []
  for (const [k] of c.req.raw.headers) names.push(k)
  c.header('X-Seen', names.filter((n) => n.startsWith('x-')).join(','))
  return c.body(null, 204)
})
app.get('/stream', (c) => {
  const { readable, writable } = new TransformStream()
  const w = writable.getWriter()
  const enc = new TextEncoder()
  ;(async () => {
    for (const part of ['a', 'b', 'c']) await w.write(enc.encode(part))
    await w.close()
  })()
  return c.body(readable, 200, { 'content-type': 'text/plain' })
})
app.get('/throw', () => { throw new Error('boom') })
app.notFound((c) => c.json({ error: 'not found', path: c.req.path }, 404))
// A SyntaxError's message is the engine's own wording (V8's differs from Duktape's).
app.onError((err, c) => c.text('error: ' + (err instanceof SyntaxError ? err.name : err.message), 500))

export default app
