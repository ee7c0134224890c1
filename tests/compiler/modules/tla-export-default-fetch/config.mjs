export async function loadConfig() {
  await new Promise(r => setTimeout(r, 1));
  return { greeting: 'hello' };
}
