package io.cyclegan.ingest.routing;

import io.cyclegan.common.messages.Direction;

/**
 * Where and to whom a refused translation request is answered, read as far as its headers allow so
 * that the caller is never left waiting.
 *
 * @param requestId the id the caller waits on (it may itself be the invalid part)
 * @param topic the reply topic when valid, else the results topic
 * @param model the model header as sent, or {@code null}
 * @param direction the direction when it parses, or {@code null}
 */
public record Reply(String requestId, String topic, String model, Direction direction) {}
