const compose = (...mws) => ctx => mws.reduceRight((next, mw) => () => mw(ctx, next), async () => ctx.log.push('handler'))();
const timing = async (ctx, next) => { ctx.log.push('timing in'); await next(); ctx.log.push('timing out'); };
const auth = async (ctx, next) => { if (!ctx.user) { ctx.log.push('denied'); return; } ctx.log.push('auth ok'); await next(); };
(async () => {
  for (const user of ['u', null]) {
    const ctx = { user, log: [] };
    await compose(timing, auth)(ctx);
    console.log(ctx.log.join(' > '));
  }
})();
