/** What every service shares: messages, configuration, the object store and Kafka clients. */
package io.cyclegan.common;
