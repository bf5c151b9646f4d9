import { SimpleClient, VirtualClient } from 'pyrogue-ts';

/** The example tree's ScratchPad from Node (`make run` serves that tree on 9099). */
export async function main(port = 9099): Promise<void> {
  const c = new SimpleClient({ addr: '127.0.0.1', port, cb: (path, v) => console.log(path, v.valueDisp) });
  console.log(await c.getDisp('root.RogueVersion'));
  await c.setDisp('root.AxiVersion.ScratchPad', '0x100');
  await c.close();

  const client = await VirtualClient.connect({ addr: '127.0.0.1', port });
  await client.tree.AxiVersion.ScratchPad.set(0x100);
  const node = await client.getNode('root.AxiVersion.ScratchPad');
  console.log(node?.path, await node?.valueDisp());
  client.close();
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
