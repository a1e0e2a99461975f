/**
 * An embedded Kafka broker (KRaft) and S3 server on loopback ports for tests and local runs, and
 * the tools fault-injection tests use with them (a fault proxy, a service in a JVM of its own).
 */
package io.cyclegan.localstack;
