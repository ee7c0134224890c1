console.log('fails evaluated');
await null;
throw new Error('fails at the top');
