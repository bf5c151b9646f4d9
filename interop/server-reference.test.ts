/**
 * The server over the real reference tree (src/examples/reference via
 * serve({tree: 'reference'})): the golden transcript's exchanges whose
 * replies do not depend on earlier writes, sent as recorded from pyrogue
 * v6.15.0 and compared in canonical form, plus the heartbeat publish.
 * (The whole transcript takes ~5.5 minutes of recorded waits:
 * `make serve-reference` + replay.py for that.)
 */
import { serve, type ServeHandle } from '../src/server/serve';
import { freeBasePort, python } from '../test/support/server';

jest.setTimeout(120000);

describe('serving the reference tree', () => {
  let h: ServeHandle;
  beforeAll(async () => {
    h = await serve({ tree: 'reference', addr: '127.0.0.1', port: await freeBasePort(), logger: null });
  });
  afterAll(() => h?.close());

  test('state-independent golden exchanges match pyrogue exactly', async () => {
    const ids = [
      'err:missing-path',
      'err:missing-attr',
      'err:none-path',
      'err:not-a-dict',
      'err:missing-keys',
      'err:garbage',
      'err:truncated',
      'err:too-many-args',
      'err:bad-kwarg',
      'err:lock',
      'str:root',
      'str:missing',
      'str:missing-attr',
      'str:bad-json',
      'str:not-object',
      'str:exec-Fail',
      'str:Root.RogueVersion:getDisp',
      'str:Root.Demo.Bool:enum',
    ];
    const out = await python(
      `
import base64
cases = [json.loads(l) for l in open(os.path.join(GOLDEN_DIR, 'transcript.jsonl'))]
b = req_socket(PORT + 1)
s = req_socket(PORT + 2)
res = {}
for c in cases:
    if c['id'] not in IDS:
        continue
    if c['port'] == 'bin':
        b.send(base64.b64decode(c['request_pickle']))
        res[c['id']] = [canon.canonical(b.recv()), c['reply']]
    else:
        s.send_string(c['request'])
        res[c['id']] = [s.recv().decode('utf-8', 'replace'), c['reply']]
print(json.dumps(res))
`,
      { PORT: h.port, IDS: ids },
    );
    expect(Object.keys(out).sort()).toEqual([...ids].sort());
    for (const id of ids) expect({ id, got: out[id][0] }).toEqual({ id, got: out[id][1] });
  });

  test('__ROOT__ is the VirtualFactory reduce of Root; Root.Time publishes at least once a second', async () => {
    const out = await python(
      `
sub = ctx.socket(zmq.SUB); sub.setsockopt(zmq.LINGER, 0); sub.setsockopt(zmq.SUBSCRIBE, b'')
sub.connect(f'tcp://127.0.0.1:{PORT}')
b = req_socket(PORT + 1)
root = ask(b, {'path': '__ROOT__', 'attr': None, 'args': (), 'kwargs': {}})
keys = []
end = time.time() + 2.5
while time.time() < end:
    if sub.poll(100):
        keys += [k for k, v in canon.canonical(sub.recv())['dict']]
print(json.dumps({'root': [root['obj'], dict(root['args'][0]['dict'])['name']], 'keys': keys}))
`,
      { PORT: h.port },
    );
    expect(out.root).toEqual(['pyrogue.interfaces._Virtual.VirtualFactory', 'Root']);
    expect(out.keys).toContain('Root.Time');
  });
});
