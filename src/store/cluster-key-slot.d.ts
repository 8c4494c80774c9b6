// cluster-key-slot (the hash slot of a key, as Redis Cluster computes it; used by ioredis itself) ships no types.
declare module 'cluster-key-slot' {
  /** The slot (0..16383) of `key`: CRC16 of its hash tag (the first non-empty `{...}`) or of the whole key. */
  export default function calculateSlot(key: string | Buffer): number;
}
