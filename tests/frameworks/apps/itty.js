// An itty-router v5 app (AutoRouter: JSON by default, 404 and error handling built in).
import { AutoRouter, error, cors, text, html, status } from 'itty-router'

const { preflight, corsify } = cors({ origin: 'https://example.com' })
const router = AutoRouter({ before: [preflight], finally: [corsify] })

router
  .get('/', () => text('Hello itty!'))
  .get('/items/:id', ({ id, query }) => ({ id, sort: query.sort ?? null }))
  .get('/files/*', (req) => ({ rest: new URL(req.url).pathname.slice(7) }))
  .post('/echo', async (req) => ({ got: await req.json() }))
  .get('/teapot', () => error(418, 'short and stout'))
  .get('/page', () => html('<h1>itty</h1>'))
  .get('/created', () => status(201))
  .get('/throw', () => { throw new Error('boom') })

export default { ...router }
