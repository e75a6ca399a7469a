declare module 'virtual:operations' {
  /** The dashboard's trusted documents by operation name (see vite.config.ts). */
  const operations: Record<string, { query: string; hash: string }>;
  export default operations;
}

declare module 'virtual:examples' {
  /** The example operations of schema/operations, built in as the workbench's tabs (see vite.config.ts). */
  const examples: Array<{ name: string; query: string; variables?: string }>;
  export default examples;
}
