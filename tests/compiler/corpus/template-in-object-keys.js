const id = 7;
const o = { [`user_${id}`]: true, [`${id}${id}`]: 'double' };
console.log(Object.keys(o).join());
