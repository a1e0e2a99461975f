/** W3C trace context: the {@code traceparent} that follows one request across the services. */
package io.cyclegan.common.trace;
