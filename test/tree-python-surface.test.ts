/**
 * The Python-visible surface of every class pyrogue recorded (golden/tree.json `classes`):
 * bases, properties, and functions with their positional and keyword parameter names, in
 * pyrogue's order. The surface is stated in each class's `pyMembers` table (RemoteVariable and
 * RemoteCommand restate BaseVariable's); this test holds every table, AxiVersion and the
 * remote classes included, to what pyrogue's class gives.
 */
import { createReferenceRoot } from '../src/examples/reference';
import type { Root } from '../src/tree';
import { loadTree } from './support/tree';

const tree = loadTree();

describe("each recorded class's Python surface vs tree.json", () => {
  let root: Root;
  beforeAll(async () => {
    root = createReferenceRoot();
    await root.start();
  });
  afterAll(async () => {
    await root.stop();
  });

  test.each(Object.keys(tree.classes))('%s', (cname) => {
    const n = [root, ...root.descendants()].find((x) => x.pyClass.name === cname);
    expect(n).toBeDefined();
    const info = n!.pyClass;
    const got = { bases: info.bases, props: info.props, funcs: Object.fromEntries(info.funcs) };
    expect(JSON.stringify(got)).toBe(JSON.stringify(tree.classes[cname]));
  });
});
