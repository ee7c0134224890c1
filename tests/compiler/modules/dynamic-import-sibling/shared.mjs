export const shared = { count: 0 };
shared.count++;
console.log('shared evaluated');
