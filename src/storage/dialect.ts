/** The SQL dialects the chat store runs on. */
export type Dialect = 'sqlite' | 'postgres';
