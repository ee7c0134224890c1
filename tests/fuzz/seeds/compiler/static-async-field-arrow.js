class S { static ready = async () => 'ready:' + S.name; }
S.ready().then(console.log);
