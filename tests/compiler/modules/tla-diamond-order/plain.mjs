console.log('plain (waits for nothing)');
