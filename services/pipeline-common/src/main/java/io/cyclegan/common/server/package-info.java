/** The side HTTP server every service runs: Prometheus metrics, liveness and readiness. */
package io.cyclegan.common.server;
