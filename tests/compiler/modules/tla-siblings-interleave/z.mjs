import './x.mjs';
console.log('z after x');
export const z = await Promise.resolve('Z');
console.log('z end');
