/* global process, global */
// Loaded by bench:shard:instructions into each measured process (node --expose-gc -r): on SIGUSR2
// a full garbage collection, then COLLECTED on stdout, so that counting starts from one heap.
process.on('SIGUSR2', () => {
  global.gc();
  process.stdout.write('COLLECTED\n');
});
