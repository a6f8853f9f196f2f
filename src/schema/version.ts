/**
 * The schema version this build of Tend writes. A document with a higher version was written
 * by a newer Tend: this build opens it read-only rather than risk damaging fields it does not
 * know.
 */
export const CURRENT_SCHEMA_VERSION = 7
