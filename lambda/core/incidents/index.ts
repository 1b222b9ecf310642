/** Incidents: the duties a breach triggers, their clocks, and the append-only incident record. Pure. */
export * from './obligations';
export * from './jurisdictions';
export * from './severity';
export * from './entries';
export * from './clocks';
export * from './sources';
export * from './messages';
