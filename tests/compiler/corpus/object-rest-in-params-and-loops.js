const strip = ({ password, token, ...safe }) => safe;
console.log(JSON.stringify(strip({ user: 'a', password: 'p', token: 't', role: 'x' })));
for (const { id, ...rest } of [{ id: 1, a: 2 }, { id: 2 }]) console.log(id, JSON.stringify(rest));
const { [`dyn${1}`]: dyn, ...others } = { dyn1: 'D', k: 'K' };
console.log(dyn, others);
