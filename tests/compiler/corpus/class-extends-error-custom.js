class HttpError extends Error {
  constructor(status, message) { super(message); this.name = 'HttpError'; this.status = status; }
  get isClient() { return this.status >= 400 && this.status < 500; }
}
class NotFound extends HttpError { constructor(path) { super(404, `Not found: ${path}`); this.name = 'NotFound'; } }
try { throw new NotFound('/x'); } catch (e) {
  console.log(e instanceof NotFound, e instanceof HttpError, e instanceof Error, e.name, e.message, e.status, e.isClient, String(e));
}
