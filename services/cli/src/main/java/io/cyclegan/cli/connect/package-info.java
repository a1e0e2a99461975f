/** Where Kafka and the store are: the global options, resolved against the environment. */
package io.cyclegan.cli.connect;
