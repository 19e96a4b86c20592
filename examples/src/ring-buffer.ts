// Fixed-capacity ring buffer over a plain number array. The caller owns the array (its length
// is the capacity) and the head/count bookkeeping; these functions only compute slots and
// read/write them, so every index they touch is `(head + k) % buffer.length`.

export function ringSlot(head: number, offset: number, capacity: number): number {
  return (head + offset) % capacity;
}

export function ringRead(buffer: number[], head: number, offset: number): number {
  return buffer[(head + offset) % buffer.length];
}

export function ringWrite(buffer: number[], head: number, count: number, value: number): number {
  const slot = (head + count) % buffer.length;
  buffer[slot] = value;
  return slot;
}

export function ringAdvance(head: number, capacity: number): number {
  return head + 1 === capacity ? 0 : head + 1;
}
