console.log('b sync');
Promise.resolve().then(() => console.log('b tick 1')).then(() => console.log('b tick 2'));
export const b = 'B';
