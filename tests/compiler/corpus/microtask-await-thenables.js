const order = [];
const t = { then(r) { order.push('then'); r('t'); } };
(async () => { order.push('start'); await t; order.push('after t'); await 1; order.push('after 1'); })();
Promise.resolve().then(() => order.push('p1')).then(() => order.push('p2')).then(() => order.push('p3')).then(() => order.push('p4')).then(() => console.log(order.join(',')));
