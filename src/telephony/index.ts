/**
 * The telephony layer: a guarded ARI connection, the Stasis application that turns channels into
 * {@link PhoneCall}s with media, and outbound origination.
 *
 * @module
 */

export type { AriAppEvents, AriAppOptions, AriMediaOptions, OriginateOptions } from './ari-app.js';
export { AriApp } from './ari-app.js';
export type { AriConnectionEvents, AriConnectionOptions } from './ari-connection.js';
export { AriConnection, connectAri, patchSwaggerFail, probeAri } from './ari-connection.js';
export type { AriMetrics, AriRequestOutcome, CallSetupOutcome } from './ari-metrics.js';
export { ariMetrics, callSetupMetric } from './ari-metrics.js';
export { AriRest, toAriError } from './ari-rest.js';
export type { AriRetryOptions } from './ari-retry.js';
export { connectAriWithRetry } from './ari-retry.js';
export type {
  AriEventBase,
  ExternalMediaChannel,
  ExternalMediaParams,
  OriginateParams,
} from './ari-types.js';
export type { BackoffOptions } from './backoff.js';
export { backoffDelay } from './backoff.js';
export type { CallDirection, HangupReason, PhoneCallEvents, PhoneCallInfo } from './phone-call.js';
export { PhoneCall } from './phone-call.js';
