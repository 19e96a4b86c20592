export function ringRead(buffer: number[], head: number, offset: number): number {
  return buffer[(head + offset) % buffer.length];
}
