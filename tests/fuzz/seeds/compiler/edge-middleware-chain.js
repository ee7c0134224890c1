const compose = (...mws) => (ctx) => mws.reduceRight((next, mw) => () => mw(ctx, next), async () => ctx)();
const log = [];
const app = compose(
  async (ctx, next) => { log.push('a-in'); await next(); log.push('a-out'); },
  async (ctx, next) => { log.push('b-in'); ctx.v = 1; await next(); log.push('b-out'); },
);
app({}).then(() => console.log(log.join(' ')));
