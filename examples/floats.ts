import { SimpleClient, VirtualClient, pyFloat } from 'pyrogue-ts';

/** Sets the README tree's float Voltage from the Node clients (`node lab-tree.js` serves it on 9099). */
export async function main(port = 9099): Promise<void> {
  const c = new SimpleClient({ addr: '127.0.0.1', port });
  await c.set('root.Supply.Voltage', pyFloat(12)); // 12.0; a plain 12 would travel as a Python int
  await c.setDisp('root.Supply.Voltage', '12.5'); // text, parsed by the server as Python does
  await c.close();

  const client = await VirtualClient.connect({ addr: '127.0.0.1', port });
  await client.tree.Supply.Voltage.set(12); // VirtualClient knows the type: sent as 12.0
  console.log(await client.tree.Supply.Voltage.valueDisp()); // 12.000
  client.close();
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
