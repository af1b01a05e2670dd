/**
 * The `--subscribers` value that picks the store over a CSV; on its own so
 * that a command can read its flags without loading the store.
 */
export const storeFlag = 'db';
