declare module 'virtual:operations' {
  /** The dashboard's trusted documents by operation name (see vite.config.ts). */
  const operations: Record<string, { query: string; hash: string }>;
  export default operations;
}
