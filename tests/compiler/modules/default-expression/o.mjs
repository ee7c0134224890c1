export default { fetch() { return 'ok'; } };
