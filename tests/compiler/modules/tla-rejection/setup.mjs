console.log('setup start');
await null;
throw new Error('setup failed after await');
