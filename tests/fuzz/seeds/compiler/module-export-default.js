const helper = (x) => x * 2;
export default {
  async fetch(request, env, ctx) { return new Response('hi'); },
  name: 'mod',
};
export function onRequestGet() { return 1; }
export const answer = helper(21);
console.log('module top level', answer, typeof onRequestGet);
