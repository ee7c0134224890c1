// An h3 (unjs; the server under Nitro and Nuxt) app turned into a fetch handler with
// toWebHandler, as Nitro's Workers preset does: routing, queries, bodies, headers, errors,
// redirects, and its 404.
import { createApp, createRouter, eventHandler, toWebHandler, getQuery, readBody, setResponseHeader, getRouterParam, createError, sendRedirect } from 'h3'

const app = createApp()
const router = createRouter()
  .get('/', eventHandler(() => 'Hello h3'))
  .get('/items/:id', eventHandler((e) => ({ id: getRouterParam(e, 'id'), q: getQuery(e) })))
  .post('/echo', eventHandler(async (e) => ({ got: await readBody(e) })))
  .get('/hdr', eventHandler((e) => { setResponseHeader(e, 'x-h3', 'yes'); return 'ok' }))
  .get('/err', eventHandler(() => { throw createError({ statusCode: 418, statusMessage: 'teapot' }) }))
  .get('/redir', eventHandler((e) => sendRedirect(e, '/', 302)))
app.use(router)
const handler = toWebHandler(app)

export default {
  fetch(request) {
    return handler(request)
  },
}
