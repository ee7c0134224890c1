console.log('waits start');
export const value = await new Promise(r => setTimeout(() => r('W'), 5));
console.log('waits end');
