import * as assert from 'node:assert/strict';
import { architectureFor, parseComputeCapability } from '../../src/core/env/architecture';

describe('compute capability → sm_XX → architecture', () => {
  const table: Array<[string, string, string | null]> = [
    ['6.0', 'sm_60', 'Pascal'],
    ['6.1', 'sm_61', 'Pascal'],
    ['7.0', 'sm_70', 'Volta'],
    ['7.2', 'sm_72', 'Volta'],
    ['7.5', 'sm_75', 'Turing'],
    ['8.0', 'sm_80', 'Ampere'],
    ['8.6', 'sm_86', 'Ampere'],
    ['8.7', 'sm_87', 'Ampere'],
    ['8.9', 'sm_89', 'Ada Lovelace'],
    ['9.0', 'sm_90', 'Hopper'],
    ['10.0', 'sm_100', 'Blackwell'],
    ['10.3', 'sm_103', 'Blackwell'],
    ['12.0', 'sm_120', 'Blackwell'],
    ['12.1', 'sm_121', 'Blackwell'],
    ['5.2', 'sm_52', null],
    ['7.1', 'sm_71', null],
    ['8.8', 'sm_88', null],
    ['11.0', 'sm_110', null],
    ['13.0', 'sm_130', null],
  ];
  for (const [cc, sm, arch] of table) {
    it(`${cc} is ${sm}, ${arch ?? 'unknown'}`, () => {
      assert.deepEqual(architectureFor(cc), { computeCapability: cc, sm, architecture: arch });
    });
  }

  it('corrects the notes: Ada Lovelace is sm_89 only, sm_90 is Hopper', () => {
    assert.equal(architectureFor('8.9')?.architecture, 'Ada Lovelace');
    assert.equal(architectureFor('9.0')?.architecture, 'Hopper');
  });

  it('reads "12" as 12.0 and rejects text that is not a capability', () => {
    assert.equal(architectureFor('12')?.sm, 'sm_120');
    for (const bad of ['', 'N/A', '[N/A]', '8.x', '1.2.3', 'abc']) assert.equal(parseComputeCapability(bad), null, bad);
  });
});
