import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CHANGE_CHOICES, reviewChangesArgument } from '../reviewChanges';

test('each choice of Review Changes sends the argument the server takes', () => {
  assert.deepEqual(reviewChangesArgument('uncommitted'), {});
  assert.deepEqual(reviewChangesArgument('staged'), { staged: true });
  assert.deepEqual(reviewChangesArgument('base', ' origin/main '), { base: 'origin/main' });
  assert.throws(() => reviewChangesArgument('base', '  '));
  assert.deepEqual(
    CHANGE_CHOICES.map((choice) => choice.kind),
    ['uncommitted', 'staged', 'base'],
  );
});
