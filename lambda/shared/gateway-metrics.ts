/** Metric names the gateway publishes and the gateway construct alarms on (one definition for both). */

/** Raw objects quarantined by reference (unsupported format, over the size ceiling), per exporter. */
export const OBJECTS_QUARANTINED_METRIC = 'ObjectsQuarantined';
