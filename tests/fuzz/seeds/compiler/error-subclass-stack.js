class HttpError extends Error {
  constructor(status, msg) { super(msg); this.status = status; this.name = 'HttpError'; }
}
class NotFound extends HttpError { constructor(what) { super(404, `${what} not found`); } }
try { throw new NotFound('page'); }
catch (e) { console.log(e.name, e.status, e.message, e instanceof NotFound, e instanceof HttpError, e instanceof Error, typeof e.stack); }
const e2 = new HttpError(500, 'x');
console.log(Object.prototype.toString.call(e2), e2.toString());
