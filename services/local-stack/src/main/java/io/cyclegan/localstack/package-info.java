/** An embedded Kafka broker (KRaft) and S3 server on loopback ports for tests and local runs. */
package io.cyclegan.localstack;
